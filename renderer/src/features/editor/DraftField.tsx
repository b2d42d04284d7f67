/** A text field edited as a draft: shown errors live, written to the file on Enter or blur (one history entry per edit). */
import { useEffect, useState } from 'react';

export function DraftField(props: {
  value: string;
  /** Error for the draft (parse or validation), or null. */
  validate: (draft: string) => string | null;
  /** Writes the draft; returns false when it cannot be written (parse error). */
  commit: (draft: string) => boolean;
  multiline?: boolean;
  testid: string;
  placeholder?: string;
}) {
  const [draft, setDraft] = useState(props.value);
  useEffect(() => setDraft(props.value), [props.value]);
  const error = props.validate(draft);
  const done = () => {
    if (draft !== props.value) props.commit(draft);
  };
  const common = {
    value: draft,
    className: error ? 'invalid' : '',
    placeholder: props.placeholder,
    'data-testid': props.testid,
    'data-invalid': error ? 'true' : 'false',
    'aria-invalid': error ? true : undefined,
    onBlur: done,
  };
  return (
    <>
      {props.multiline ? (
        <textarea rows={Math.min(10, Math.max(2, draft.split('\n').length))} {...common} onChange={(e) => setDraft(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && (e.metaKey || e.ctrlKey) && done()} />
      ) : (
        <input {...common} onChange={(e) => setDraft(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && done()} />
      )}
      {error && (
        <div className="ed-field-error small" data-testid={`${props.testid}-error`}>
          {error}
        </div>
      )}
    </>
  );
}
