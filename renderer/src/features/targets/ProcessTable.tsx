/** The live process table: step attempts running now on every target (jobs.list, polled). */
import type { ProcessRow } from '../../../../kernel/common/contract-targets';
import { formatDuration, formatTime } from '../../lib/format';

export function ProcessTable({ rows, now }: { rows: ProcessRow[]; now: number }) {
  return (
    <table className="tg-table" data-testid="process-table" data-count={rows.length}>
      <thead>
        <tr>
          <th>run</th>
          <th>step</th>
          <th>attempt</th>
          <th>target</th>
          <th>job</th>
          <th>started</th>
          <th>running for</th>
          <th>state</th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 && (
          <tr>
            <td colSpan={8} className="muted">
              nothing running
            </td>
          </tr>
        )}
        {rows.map((r) => (
          <tr key={r.jobId} data-testid={`process-row-${r.jobId}`} data-state={r.state} data-target={r.target}>
            <td>
              <a href={`#/runs/${encodeURIComponent(r.runId)}`} title={r.runId}>
                {r.runName}
              </a>
            </td>
            <td>
              <a href={`#/runs/${encodeURIComponent(r.runId)}/${encodeURIComponent(r.stepId)}`}>{r.stepId}</a>
            </td>
            <td className="num">{r.attempt}</td>
            <td className="mono">{r.target}</td>
            <td className="mono small">{r.jobId}</td>
            <td>{formatTime(r.startedAt)}</td>
            <td className="num">{r.startedAt ? formatDuration(now - r.startedAt) : '—'}</td>
            <td>
              <span className={`badge tg-proc ${r.state}`} title={r.state === 'unattended' ? 'no live process executes this run (crashed or closed); resume it to re-attach' : undefined}>
                {r.state === 'running' && <span className="pulse-dot" />}
                {r.state}
              </span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
