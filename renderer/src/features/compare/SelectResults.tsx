/**
 * The `select` steps among the compared runs: per trial a bar of the mean with ±CI whiskers,
 * the best trial marked. One block per select result.
 */
import type { Compare } from '../../../../kernel/common/contract-compare';
import { formatNumber } from '../../lib/format';
import { barDomain, frac } from './compare-model';

type Select = Compare['selects'][number];

function paramsLabel(p: Record<string, unknown>): string {
  const e = Object.entries(p);
  return e.length ? e.map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ') : '';
}

function SelectBlock({ s, runLabel }: { s: Select; runLabel: string }) {
  const d = barDomain(s.rows);
  const pct = (v: number): string => `${(frac(v, d) * 100).toFixed(2)}%`;
  return (
    <div className="select-block" data-testid="select-result" data-run-id={s.runId} data-step={s.stepId} data-best={s.best ?? ''}>
      <div className="small">
        <b>{runLabel}</b> · <span className="mono">{s.stepId}</span> · {s.metric} <span className="muted">({s.direction})</span>
      </div>
      {s.rows.map((r) => {
        const best = r.trial === s.best;
        return (
          <div key={r.trial} className={`select-row${best ? ' best' : ''}`} data-testid="select-row" data-trial={r.trial} data-best={best}>
            <span className="mono small trial" title={paramsLabel(r.params)}>
              {best ? '★ ' : ''}
              {r.trial}
              <span className="muted"> {paramsLabel(r.params)}</span>
            </span>
            <span className="bar-track">
              {r.mean !== null && <span className="bar" style={{ left: pct(d.lo), width: `calc(${pct(r.mean)} - ${pct(d.lo)})` }} />}
              {r.lo !== null && r.hi !== null && <span className="whisker" style={{ left: pct(r.lo), width: `calc(${pct(r.hi)} - ${pct(r.lo)})` }} />}
            </span>
            <span className="mono small value">
              {r.mean === null ? '—' : formatNumber(r.mean)}
              {r.lo !== null && r.hi !== null && <span className="muted"> [{formatNumber(r.lo)}, {formatNumber(r.hi)}]</span>}
              <span className="muted"> n={r.n}</span>
            </span>
          </div>
        );
      })}
    </div>
  );
}

export function SelectResults({ selects, labels }: { selects: Compare['selects']; labels: ReadonlyMap<string, string> }) {
  return (
    <div data-testid="select-results" data-count={selects.length}>
      {selects.length === 0 ? <div className="muted small">No `select` step among these runs.</div> : selects.map((s) => <SelectBlock key={`${s.runId}/${s.stepId}`} s={s} runLabel={labels.get(s.runId) ?? s.runId} />)}
    </div>
  );
}
