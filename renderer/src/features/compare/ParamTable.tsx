/**
 * Params of the compared runs side by side (rows = params, columns = runs), differing rows
 * highlighted; "only differences" hides the rest. Final metrics (last, with min–max) below.
 */
import { useState } from 'react';
import { Digest } from '../../components/Copy';
import { formatNumber } from '../../lib/format';
import { seriesColor } from '../../lib/series';
import { formatScalar, isHash, paramCount, paramRows, type CompareRun } from './compare-model';

function Cell({ v }: { v: unknown }) {
  if (isHash(v)) return <Digest value={v} />;
  const text = formatScalar(v);
  // Long values (inline code, JSON) are cut to one line; the tooltip holds all of it.
  return (
    <span className={`cell-val ${v === undefined ? 'muted' : 'mono'}`} title={text.length > 40 ? text : undefined}>
      {text}
    </span>
  );
}

export function ParamTable({ runs, labels, differing, metricKeys }: { runs: readonly CompareRun[]; labels: ReadonlyMap<string, string>; differing: readonly string[]; metricKeys: readonly string[] }) {
  const [only, setOnly] = useState(() => paramCount(runs) > 10);
  const rows = paramRows(runs, differing, only);
  const total = paramCount(runs);
  return (
    <div className="param-table-wrap">
      <div className="toolbar wrap">
        <label className="small check">
          <input type="checkbox" checked={only} data-testid="param-only-diffs" onChange={(e) => setOnly(e.target.checked)} /> only differences
        </label>
        <span className="muted small">
          {differing.length} of {total} params differ
        </span>
      </div>
      <div className="scroll-x">
        <table className="cmp-table" data-testid="param-table" data-rows={rows.length} data-only-diffs={only}>
          <thead>
            <tr>
              <th>param</th>
              {runs.map((r, i) => (
                <th key={r.id} title={r.id}>
                  <span className="swatch" style={{ background: seriesColor(i) }} /> {labels.get(r.id) ?? r.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.key} data-testid={`param-row-${row.key}`} data-differs={row.differs} className={row.differs ? 'differs' : ''}>
                <th className="mono">{row.key}</th>
                {row.values.map((v, i) => (
                  <td key={runs[i]?.id ?? i}>
                    <Cell v={v} />
                  </td>
                ))}
              </tr>
            ))}
            {rows.length === 0 && (
              <tr>
                <td colSpan={runs.length + 1} className="muted small">
                  {only ? 'No param differs.' : 'No params.'}
                </td>
              </tr>
            )}
          </tbody>
          {metricKeys.length > 0 && (
            <tbody className="metric-rows">
              <tr className="group">
                <th colSpan={runs.length + 1}>final metrics (last · min–max)</th>
              </tr>
              {metricKeys.map((k) => (
                <tr key={k} data-testid={`metric-row-${k}`}>
                  <th className="mono">{k}</th>
                  {runs.map((r) => {
                    const m = r.metrics[k];
                    return (
                      <td key={r.id} className="mono" title={m ? `${m.count} points` : undefined}>
                        {m ? (
                          <>
                            {formatNumber(m.last)} <span className="muted small">{formatNumber(m.min)}–{formatNumber(m.max)}</span>
                          </>
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          )}
        </table>
      </div>
    </div>
  );
}
