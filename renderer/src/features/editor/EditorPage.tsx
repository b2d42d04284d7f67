/** The experiment editor (U4): owned by the editor feature. */
export function EditorPage({ file }: { file: string | null }) {
  return <div data-testid="editor-page">Editor: {file ?? 'new experiment'}</div>;
}
