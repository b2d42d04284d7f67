/** `sgr queue [--json] [--dead-letter]`: what runs where, what waits and why (D6). */
import type { QueueList } from '../../common/contract-sched';
import { EXIT } from '../exit-codes';
import { formatDuration, oneLine, table } from '../format';
import { printJson, withKernel, type GlobalOptions } from '../context';

/** @example await queueCommand({ json: true }) // prints { entries, deadLetter, slots } */
export async function queueCommand(opts: GlobalOptions & { json?: boolean; deadLetter?: boolean }): Promise<number> {
  return withKernel(opts, async (kernel) => {
    let names: string[];
    try {
      names = kernel.targets();
    } catch {
      names = ['local'];
    }
    const q = kernel.scheduler.list(names);
    if (opts.json) printJson(opts.deadLetter ? q.deadLetter : q);
    else process.stdout.write(opts.deadLetter ? formatDeadLetter(q) : formatQueue(q, Date.now()));
    return EXIT.OK;
  });
}

const used = (n: number, total: number | null): string => (total === null ? (n > 0 ? `${n}` : '-') : `${n}/${total}`);

export function formatQueue(q: QueueList, now: number): string {
  const slots = table(
    ['TARGET', 'RUNNING', 'QUEUED', 'MAX JOBS', 'PER RUN', 'CPUS', 'GPUS'],
    q.slots.map((s) => [s.target, String(s.running), `${s.queued}/${s.maxQueued}`, String(s.maxJobs), s.maxJobsPerRun === null ? '-' : String(s.maxJobsPerRun), used(s.cpusUsed, s.cpusTotal), used(s.gpusUsed, s.gpusTotal)]),
  );
  if (q.entries.length === 0) return `${slots}\n\nnothing queued or running\n`;
  const entries = table(
    ['JOB', 'TARGET', 'PRIO', 'STATE', 'FOR', 'WHY WAITING'],
    q.entries.map((e) => [
      e.jobKey, e.target, `${e.priority}${e.preemptible ? ' p' : ''}`, e.state,
      formatDuration(now - (e.admittedAt ?? e.enqueuedAt)), oneLine(e.waitReason ?? '', 90),
    ]),
  );
  const dead = q.deadLetter.length > 0 ? `\n${q.deadLetter.length} dead-lettered step(s): sgr queue --dead-letter\n` : '';
  return `${slots}\n\n${entries}\n${dead}`;
}

export function formatDeadLetter(q: QueueList): string {
  if (q.deadLetter.length === 0) return 'no dead-lettered steps\n';
  return table(
    ['RUN', 'STEP', 'TARGET', 'ATTEMPTS', 'CLASS', 'ERROR'],
    q.deadLetter.map((d) => [d.runId, d.stepId, d.target, String(d.attempts), d.failureClass, oneLine(d.error ?? '', 90)]),
  ) + '\n';
}
