/** The scheduler's queue, its per-target slots and the dead-letter list (queue.list from the scheduler). */
import type { QueueList } from '../../../../kernel/common/contract-sched';
import { formatTime } from '../../lib/format';

function res(r: QueueList['entries'][number]['resources']): string {
  return [r.cpus !== undefined ? `${r.cpus} CPU` : null, r.memoryMb !== undefined ? `${r.memoryMb} MiB` : null, r.gpus ? `${r.gpus} GPU` : null].filter(Boolean).join(', ') || '—';
}

export function QueueTables({ queue }: { queue: QueueList }) {
  return (
    <>
      {queue.slots.length > 0 && (
        <div className="tg-slots" data-testid="queue-slots">
          {queue.slots.map((s) => (
            <span key={s.target} className="tg-slot" data-testid={`queue-slots-${s.target}`}>
              <b className="mono">{s.target}</b> {s.running}/{s.maxJobs} running, {s.queued} queued
              {s.gpusTotal !== null && `, GPUs ${s.gpusUsed}/${s.gpusTotal}`}
              {s.cpusTotal !== null && `, CPUs ${s.cpusUsed}/${s.cpusTotal}`}
            </span>
          ))}
        </div>
      )}
      <table className="tg-table" data-testid="queue-table" data-count={queue.entries.length}>
        <thead>
          <tr>
            <th>job</th>
            <th>target</th>
            <th>priority</th>
            <th>state</th>
            <th>resources</th>
            <th>queued</th>
            <th>waiting because</th>
          </tr>
        </thead>
        <tbody>
          {queue.entries.length === 0 && (
            <tr>
              <td colSpan={7} className="muted">
                the queue is empty
              </td>
            </tr>
          )}
          {queue.entries.map((e) => (
            <tr key={e.jobKey} data-testid={`queue-row-${e.jobKey}`} data-state={e.state}>
              <td className="mono small">
                <a href={`#/runs/${encodeURIComponent(e.runId)}/${encodeURIComponent(e.stepId)}`}>{e.jobKey}</a>
              </td>
              <td className="mono">{e.target}</td>
              <td className="num">
                {e.priority}
                {e.preemptible && <span className="muted small"> preemptible</span>}
              </td>
              <td>{e.state}</td>
              <td>{res(e.resources)}</td>
              <td>{formatTime(e.enqueuedAt)}</td>
              <td className="small">{e.waitReason ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3 className="tg-sub">Dead letters</h3>
      <table className="tg-table" data-testid="dead-letter-table" data-count={queue.deadLetter.length}>
        <thead>
          <tr>
            <th>run</th>
            <th>step</th>
            <th>target</th>
            <th>attempts</th>
            <th>failure</th>
            <th>error</th>
            <th>when</th>
          </tr>
        </thead>
        <tbody>
          {queue.deadLetter.length === 0 && (
            <tr>
              <td colSpan={7} className="muted">
                none — no step failed all its attempts
              </td>
            </tr>
          )}
          {queue.deadLetter.map((d) => (
            <tr key={`${d.runId}/${d.stepId}`} data-testid={`dead-letter-row-${d.runId}.${d.stepId}`}>
              <td className="mono small">
                <a href={`#/runs/${encodeURIComponent(d.runId)}`}>{d.runId}</a>
              </td>
              <td>{d.stepId}</td>
              <td className="mono">{d.target}</td>
              <td className="num">{d.attempts}</td>
              <td>{d.failureClass}</td>
              <td className="tg-error-cell">{d.error ?? ''}</td>
              <td>{formatTime(d.deadAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
