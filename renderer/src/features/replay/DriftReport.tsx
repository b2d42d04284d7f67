/**
 * What differs now from when the run ran — code, environment, input data, skill versions —
 * taken before a re-run so a different result is not a surprise.
 */
import type { Drift } from '../../../../kernel/common/contract-replay';
import { ValueView } from '../../components/JsonView';

const SECTIONS = [
  ['code', 'Code'],
  ['environment', 'Environment'],
  ['data', 'Data'],
  ['skills', 'Skills'],
] as const;

export function DriftReport({ drift }: { drift: Drift }) {
  return (
    <div className="drift-report" data-testid="drift-report" data-identical={drift.identical ? 'true' : 'false'}>
      <div className={drift.identical ? 'drift-verdict same' : 'drift-verdict changed'} data-testid="drift-verdict">
        {drift.identical ? 'Nothing drifted: code, environment, data and skills are as recorded.' : 'Something changed since the run — the re-run may differ:'}
      </div>
      {SECTIONS.map(([key, title]) => {
        const items = drift[key];
        return (
          <section key={key} className="drift-section" data-testid={`drift-section-${key}`} data-count={items.length}>
            <h4>
              {title} <span className={`badge ${items.length ? 'changed' : 'same'}`}>{items.length ? `${items.length} changed` : 'same'}</span>
            </h4>
            {items.length > 0 && (
              <div className="drift-items">
                {items.map((it) => (
                  <div key={it.path} className="drift-item" data-testid="drift-item" data-path={it.path}>
                    <span className="mono path">{it.path}</span>
                    <span className="side">
                      <span className="muted small">recorded </span>
                      <ValueView value={it.recorded} />
                    </span>
                    <span className="side">
                      <span className="muted small">now </span>
                      <ValueView value={it.now} />
                    </span>
                  </div>
                ))}
              </div>
            )}
          </section>
        );
      })}
    </div>
  );
}
