/** `sgr plan` inside the editor: the steps after sweep expansion and what will re-run. */
import { useState } from 'react';
import { useEditorStore } from './editor-store';

export function PlanPreview() {
  const check = useEditorStore((s) => s.check);
  const fresh = useEditorStore((s) => s.checkedText === s.text);
  const sum = check?.summary;
  // The expanded list is drawn only while open: on a 1,000-step file it is 1,000 rows to
  // redraw at every check, for a list nobody looks at most of the time.
  const [open, setOpen] = useState(false);
  return (
    <section
      className={`ed-plan${fresh ? '' : ' stale'}`}
      data-testid="plan-preview"
      data-steps={sum?.steps ?? ''}
      data-hits={sum?.hits ?? ''}
      data-willrun={sum?.willRun ?? ''}
      data-unknown={sum?.unknown ?? ''}
      data-fresh={fresh ? 'true' : 'false'}
    >
      <h4>Plan</h4>
      {!check && <div className="muted small">Checking…</div>}
      {check && !check.steps.length && <div className="muted small">{check.problems.length ? 'The file does not load: see the problems.' : 'No steps.'}</div>}
      {check && check.steps.length > 0 && (
        <>
          <div className="ed-plan-counts">
            <span>
              <b>{sum!.steps}</b> steps
            </span>
            <span className="ed-badge cache-hit">{sum!.hits} cached</span>
            <span className="ed-badge cache-run">{sum!.willRun} will run</span>
            {sum!.unknown > 0 && <span className="ed-badge cache-unknown">{sum!.unknown} maybe</span>}
          </div>
          {check.sweeps.map((s) => (
            <div key={s.name} className="small" data-testid={`plan-sweep-${s.name}`}>
              sweep <b>{s.name}</b> ({s.protocol}): {s.trials} trials
            </div>
          ))}
          <details className="ed-plan-steps" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
            <summary className="small">Expanded steps</summary>
            {open && (
            <ul>
              {check.steps.map((s) => (
                <li key={s.id} className="small" data-cache={s.cache}>
                  <span className={`ed-dot cache-${s.cache}`} /> <span className="mono">{s.id}</span> <span className="muted">{s.skill}</span>
                </li>
              ))}
            </ul>
            )}
          </details>
        </>
      )}
    </section>
  );
}
