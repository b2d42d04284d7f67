/** Every problem of the buffer (YAML syntax, the kernel's check, a refused edit); click one to go to its step. */
import { focusStep, useEditorStore } from './editor-store';

export function ProblemsList() {
  const syntax = useEditorStore((s) => s.graph.syntaxErrors);
  const problems = useEditorStore((s) => s.check?.problems) ?? [];
  const checkError = useEditorStore((s) => s.checkError);
  const opError = useEditorStore((s) => s.opError);
  const keys = useEditorStore((s) => s.graph.steps.map((x) => x.key).join('\n'));
  const known = new Set(keys.split('\n'));
  const count = syntax.length + problems.length + (checkError ? 1 : 0);
  return (
    <section className="ed-problems" data-testid="editor-problems" data-count={count}>
      <h4>Problems {count > 0 && <span className="ed-badge bad">{count}</span>}</h4>
      {opError && (
        <div className="error-banner small" data-testid="editor-op-error">
          {opError}
        </div>
      )}
      {count === 0 && <div className="muted small">None.</div>}
      <ul>
        {syntax.map((e, i) => (
          <li key={`s${i}`} className="ed-problem" data-testid="problem">
            <span className="mono muted">
              {e.line}:{e.col}
            </span>{' '}
            YAML: {e.message}
          </li>
        ))}
        {checkError && <li className="ed-problem">check failed: {checkError}</li>}
        {problems.map((p, i) => {
          const onStep = p.stepId !== null && known.has(p.stepId);
          return (
            <li key={i} className={`ed-problem${onStep ? ' link' : ''}`} data-testid="problem" data-step={p.stepId ?? ''} onClick={onStep ? () => focusStep(p.stepId!) : undefined}>
              <span className="mono muted">
                {p.line}:{p.col}
              </span>{' '}
              {p.stepId && <b className="mono">{p.stepId}</b>}
              {p.depId && <span className="mono"> ← {p.depId}</span>}
              {p.field && <span className="mono muted"> {p.field}</span>} {p.message}
              {p.hint && <div className="muted small">{p.hint}</div>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
