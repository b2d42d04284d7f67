/** The file as text: edits apply when the field loses focus (one history entry); syntax errors go to the problems list. */
import { DraftField } from './DraftField';
import { replaceText, useEditorStore } from './editor-store';

export function SourceView() {
  const text = useEditorStore((s) => s.text);
  return (
    <div className="ed-source">
      <DraftField
        testid="editor-source"
        multiline
        value={text}
        validate={() => null}
        commit={(t) => {
          replaceText(t);
          return true;
        }}
      />
    </div>
  );
}
