/**
 * The admission decision (D6), a pure function of the queue: which waiting entries start
 * now, which running ones are preempted for them, and why the others wait. Called inside
 * a write transaction by whichever process changed the queue, so every process sees one
 * consistent order.
 *
 * Order: higher priority first, FIFO within a priority. An entry that does not fit its
 * target blocks the lower-priority entries of that target behind it (no backfill, so a big
 * GPU job is not starved by a stream of small ones); an entry held back by its own run's
 * quota blocks nobody.
 */
import type { TargetCapacity } from './capacity';
import type { QueueRow } from './queue-repo';

export interface Decision {
  admit: string[];
  preempt: string[];
  /** Wait reason of every entry still queued (null: none recorded). */
  reasons: Map<string, string>;
}

interface Usage {
  jobs: number;
  cpus: number;
  gpus: number;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** @example decide(allEntries(db), (t) => capacityOf(t, undefined), (o) => !ownerIsDead(o), () => true) */
export function decide(
  rows: readonly QueueRow[],
  capacity: (target: string) => TargetCapacity,
  alive: (owner: string) => boolean,
  canPreempt: (target: string) => boolean,
): Decision {
  const live = rows.filter((r) => alive(r.owner));
  const usage = new Map<string, Usage>();
  const runCount = new Map<string, number>();
  const runTargetCount = new Map<string, number>();
  const use = (t: string): Usage => {
    let u = usage.get(t);
    if (!u) usage.set(t, (u = { jobs: 0, cpus: 0, gpus: 0 }));
    return u;
  };
  const take = (r: QueueRow): void => {
    const u = use(r.target);
    u.jobs++;
    u.cpus += r.cpus;
    u.gpus += r.gpus;
    runCount.set(r.run_id, (runCount.get(r.run_id) ?? 0) + 1);
    runTargetCount.set(`${r.run_id}\0${r.target}`, (runTargetCount.get(`${r.run_id}\0${r.target}`) ?? 0) + 1);
  };
  for (const r of live) if (r.state !== 'queued') take(r);

  const decision: Decision = { admit: [], preempt: [], reasons: new Map() };
  for (const r of rows) if (r.state === 'queued' && !alive(r.owner)) {
    decision.reasons.set(r.job_key, `its process (${describeOwner(r.owner)}) is gone; \`sgr resume ${r.run_id}\` takes it over in place`);
  }
  /** target → what its first entry that did not fit lacks; the entries behind it wait too. */
  const blockedBy = new Map<string, string>();
  const preempting = new Set(live.filter((r) => r.state === 'preempting').map((r) => r.target));

  for (const r of live) {
    if (r.state !== 'queued') continue;
    const cap = capacity(r.target);
    const inRun = runCount.get(r.run_id) ?? 0;
    if (inRun >= r.run_cap) {
      decision.reasons.set(r.job_key, `run ${r.run_id}: ${inRun} of ${r.run_cap} steps running (its concurrency)`);
      continue;
    }
    const inRunOnTarget = runTargetCount.get(`${r.run_id}\0${r.target}`) ?? 0;
    if (cap.maxJobsPerRun !== null && inRunOnTarget >= cap.maxJobsPerRun) {
      decision.reasons.set(r.job_key, `target ${r.target}: ${inRunOnTarget} of ${cap.maxJobsPerRun} jobs per run running (maxJobsPerRun)`);
      continue;
    }
    const head = blockedBy.get(r.target);
    if (head !== undefined) {
      // Worded without the head's name, so the reason stays put while the line moves (no rewrite per admission).
      decision.reasons.set(r.job_key, `target ${r.target}: ${head}; waiting behind earlier or higher-priority entries`);
      continue;
    }
    const short = shortage(use(r.target), r, cap);
    if (short === null) {
      take(r);
      decision.admit.push(r.job_key);
      continue;
    }
    blockedBy.set(r.target, short);
    decision.reasons.set(r.job_key, `target ${r.target}: ${short}`);
    if (preempting.has(r.target) || !canPreempt(r.target)) continue;
    const victims = chooseVictims(live, r, use(r.target), cap);
    if (victims.length > 0) {
      preempting.add(r.target);
      for (const v of victims) decision.preempt.push(v.job_key);
      decision.reasons.set(r.job_key, `target ${r.target}: ${short}; preempting ${victims.map((v) => v.step_id).join(', ')} (lower priority)`);
    }
  }
  return decision;
}

/** What `r` lacks on its target, or null when it fits. */
function shortage(u: Usage, r: Pick<QueueRow, 'cpus' | 'gpus'>, cap: TargetCapacity): string | null {
  if (u.jobs + 1 > cap.maxJobs) return `${u.jobs} of ${plural(cap.maxJobs, 'job')} running (maxJobs)`;
  if (cap.cpus !== null && u.cpus + r.cpus > cap.cpus + 1e-9) return `needs ${plural(r.cpus, 'CPU')}, ${cap.cpus - u.cpus} of ${cap.cpus} free`;
  if (cap.gpus !== null && u.gpus + r.gpus > cap.gpus) return `needs ${plural(r.gpus, 'GPU')}, ${cap.gpus - u.gpus} of ${cap.gpus} free`;
  return null;
}

/**
 * Running preemptible entries of lower priority on `r`'s target whose slots together make
 * `r` fit: lowest priority first, most recently admitted first (least work lost). Empty
 * when even all of them would not be enough.
 */
function chooseVictims(live: readonly QueueRow[], r: QueueRow, u: Usage, cap: TargetCapacity): QueueRow[] {
  const candidates = live
    .filter((v) => v.target === r.target && v.state === 'running' && v.preemptible === 1 && v.priority < r.priority)
    .sort((a, b) => a.priority - b.priority || (b.admitted_at ?? 0) - (a.admitted_at ?? 0));
  const left = { ...u };
  const chosen: QueueRow[] = [];
  for (const v of candidates) {
    left.jobs--;
    left.cpus -= v.cpus;
    left.gpus -= v.gpus;
    chosen.push(v);
    if (shortage(left, r, cap) === null) return chosen;
  }
  return [];
}

function describeOwner(owner: string): string {
  const [host, pid] = owner.split(':');
  return `pid ${pid} on ${host}`;
}
