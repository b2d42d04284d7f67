/**
 * The GPU-aware scheduler (D6): one per kernel process, all of them sharing the queue in
 * the journal database, so two `sgr run`s and the app share a target's slots. A job
 * attempt enqueues itself and waits until a transaction admits it (admission.ts); it holds
 * the slot until its job ends. Higher-priority work preempts running preemptible jobs of
 * lower priority through `Dispatcher.preempt`; a victim in another process is reached
 * through its row (state `preempting`), which that process sees on its next poll.
 *
 * Overhead: admission runs when this process changes the queue (enqueue, release); while
 * it waits for or holds slots it also looks every POLL_MS at SQLite's data_version, a
 * counter another connection's commit bumps, and re-decides only then (or every
 * FULL_PASS_MS, to notice a process that died without a commit).
 */
import type { QueueList } from '../common/contract-sched';
import type { Resources } from '../common/plan';
import type { Dispatcher } from '../dispatch/types';
import { StepFailure } from '../lifecycle/failure';
import type { Db } from '../store/db';
import { newOwner, ownerIsDead } from '../store/lease';
import { decide } from './admission';
import type { TargetCapacity } from './capacity';
import { queueView } from './queue-view';
import { admitEntry, allEntries, dropEndedRuns, enqueue, entryState, markPreempting, queuedCount, removeEntry, setWaitReason, type NewEntry, type QueueRow } from './queue-repo';

/** A queue entry as the executor asks for it: resources as the step states them (the row keeps cpus/gpus/memoryMb). */
export interface SlotRequest extends Omit<NewEntry, 'cpus' | 'gpus' | 'memoryMb'> {
  resources?: Resources;
}

export interface SchedulerOptions {
  db: Db;
  /** The kernel's target registry (a Map works too). */
  dispatchers: { get(target: string): Dispatcher | undefined };
  capacity(target: string): TargetCapacity;
  now?(): number;
  /** SIGTERM → SIGKILL grace of a preempted job (default $SGR_PREEMPT_GRACE_MS, else 10 s). */
  graceMs?: number;
  pollMs?: number;
  /** A waiting step is told why (backpressure), e.g. onto the kernel bus as step.warned. */
  onWarn?(runId: string, stepId: string, message: string): void;
}

const POLL_MS = 200;
const FULL_PASS_MS = 2000;
const CLOSED = 'closed:';

interface Waiter {
  req: SlotRequest;
  resolve(): void;
  reject(err: Error): void;
}

export class Scheduler {
  readonly owner = newOwner();
  private readonly db: Db;
  private readonly waiters = new Map<string, Waiter>();
  /** Entries of this process that hold a slot. */
  private readonly held = new Map<string, SlotRequest>();
  /** Job keys this process was told to preempt: their attempt ends `preempted`, whatever the exit. */
  private readonly preempted = new Set<string>();
  /** Acquires waiting for room in a full target queue (backpressure). */
  private readonly roomWaiters = new Set<() => void>();
  private timer: NodeJS.Timeout | null = null;
  private lastVersion = -1;
  private lastFull = 0;
  private closed = false;
  private readonly graceMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: SchedulerOptions) {
    this.db = opts.db;
    this.now = opts.now ?? Date.now;
    const envGrace = Number(process.env.SGR_PREEMPT_GRACE_MS);
    this.graceMs = opts.graceMs ?? (Number.isFinite(envGrace) && envGrace >= 0 ? envGrace : 10_000);
  }

  /**
   * Waits for a slot on the request's target; resolves once admitted. Rejects with a
   * StepFailure when the request can never fit the target, or when `signal` aborts.
   * @example await scheduler.acquire({ jobKey, runId, stepId, attempt, target: 'local', priority: 0, preemptible: false, runCap: 4 }, run.signal)
   */
  async acquire(req: SlotRequest, signal?: AbortSignal): Promise<void> {
    if (this.closed) throw new Error(`scheduler closed; cannot queue ${req.jobKey}`);
    const cap = this.opts.capacity(req.target);
    const cpus = req.resources?.cpus ?? 1;
    const gpus = req.resources?.gpus ?? 0;
    if (cap.cpus !== null && cpus > cap.cpus) throw new StepFailure('policy', `step "${req.stepId}" asks for ${cpus} CPUs; target ${req.target} has ${cap.cpus} (targets.yaml resources.cpus)`);
    if (gpus > 0 && cap.gpus !== null && gpus > cap.gpus) throw new StepFailure('policy', `step "${req.stepId}" asks for ${gpus} GPUs; target ${req.target} has ${cap.gpus} (targets.yaml resources.gpus)`);
    const admitted = new Promise<void>((resolve, reject) => this.waiters.set(req.jobKey, { req, resolve, reject }));
    const onAbort = (): void => {
      const w = this.waiters.get(req.jobKey);
      if (!w) return;
      this.waiters.delete(req.jobKey);
      this.pass(() => removeEntry(this.db, req.jobKey));
      this.wakeRoomWaiters();
      w.reject(new StepFailure('infrastructure', `step "${req.stepId}": aborted while waiting for a slot on target ${req.target}`));
    };
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const entry = { ...req, cpus, gpus, memoryMb: req.resources?.memoryMb ?? null };
      let warned = false;
      // Backpressure, checked in the enqueueing transaction so concurrent acquires cannot
      // overshoot the bound. A re-entered attempt whose row a dead process left behind takes
      // it over (a `running` one — its job kept running — is admitted at once).
      while (this.waiters.has(req.jobKey) && !this.tryEnqueue(entry, cap)) {
        if (!warned) {
          warned = true;
          this.opts.onWarn?.(req.runId, req.stepId, `the queue of target ${req.target} is full (${cap.maxQueued} waiting, SGR_QUEUE_MAX); waiting for room`);
        }
        this.ensurePolling();
        await this.roomFreed();
        if (this.closed) break;
      }
      this.ensurePolling();
      await admitted;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Enqueues (and decides) in one transaction unless the target's queue is full. */
  private tryEnqueue(entry: Parameters<typeof enqueue>[1], cap: TargetCapacity): boolean {
    let full = false;
    this.pass(() => {
      if (entryState(this.db, entry.jobKey) === null && queuedCount(this.db, entry.target) >= cap.maxQueued) full = true;
      else enqueue(this.db, entry, this.owner, this.now());
    });
    return !full;
  }

  /** Resolves when a pass of this process ran (room may have freed), or after FULL_PASS_MS (another process's). */
  private roomFreed(): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(t);
        this.roomWaiters.delete(done);
        resolve();
      };
      const t = setTimeout(done, FULL_PASS_MS);
      this.roomWaiters.add(done);
    });
  }

  /** Gives the slot back (idempotent); the next waiting entries are admitted at once. */
  release(jobKey: string): void {
    const held = this.held.delete(jobKey);
    const waiting = this.waiters.get(jobKey);
    if (!held && !waiting) return;
    if (waiting) {
      this.waiters.delete(jobKey);
      waiting.reject(new Error(`${jobKey}: released while waiting`));
    }
    this.pass(() => removeEntry(this.db, jobKey));
    this.wakeRoomWaiters();
  }

  private wakeRoomWaiters(): void {
    for (const wake of [...this.roomWaiters]) wake();
  }

  /** True when this process preempted the job: its attempt ends `preempted`, not killed or oom. Forgets it. */
  takePreempted(jobKey: string): boolean {
    return this.preempted.delete(jobKey);
  }

  /** Stops polling; this process's rows stay, marked closed, so a later kernel takes them over in place. */
  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const w of this.waiters.values()) w.reject(new Error(`scheduler closed while ${w.req.jobKey} waited for a slot`));
    this.waiters.clear();
    this.wakeRoomWaiters();
    try {
      this.write(() => this.db.prepare('UPDATE sched_queue SET owner = ? || owner WHERE owner = ?').run(CLOSED, this.owner));
    } catch {
      // The database is closing too; the rows are reclaimed when this pid is gone.
    }
  }

  /**
   * The queue of every process on this home, with slots of `targets` (and of any target
   * that has entries).
   * @example scheduler.list(kernel.targets()).slots[0] // { target: 'local', maxJobs: 8, running: 2, … }
   */
  list(targets: readonly string[]): QueueList {
    return queueView(this.db, (t) => this.opts.capacity(t), targets, livenessCache(this.owner));
  }

  /**
   * One admission decision over the whole queue, applied atomically — in the same
   * transaction as `change` (an enqueue or a release), so each costs one commit.
   */
  pass(change?: () => void): void {
    if (this.closed) return;
    const alive = livenessCache(this.owner);
    const caps = new Map<string, TargetCapacity>();
    const capacity = (t: string): TargetCapacity => caps.get(t) ?? (caps.set(t, this.opts.capacity(t)), caps.get(t) as TargetCapacity);
    const { rows, admit, preempt } = this.write(() => {
      change?.();
      dropEndedRuns(this.db);
      const rows = allEntries(this.db);
      const d = decide(rows, capacity, alive, (t) => typeof this.opts.dispatchers.get(t)?.preempt === 'function');
      const now = this.now();
      for (const key of d.admit) admitEntry(this.db, key, now);
      for (const key of d.preempt) markPreempting(this.db, key, now);
      for (const r of rows) {
        if (r.state !== 'queued' || d.admit.includes(r.job_key)) continue;
        const reason = d.reasons.get(r.job_key) ?? null;
        if (reason !== r.wait_reason) setWaitReason(this.db, r.job_key, reason);
      }
      return { rows, admit: new Set(d.admit), preempt: new Set(d.preempt) };
    });
    this.lastVersion = this.dataVersion();
    this.lastFull = this.now();
    for (const r of rows) {
      const mine = r.owner === this.owner;
      if (!mine) continue;
      if (admit.has(r.job_key) || r.state !== 'queued') this.admitted(r.job_key);
      if ((preempt.has(r.job_key) || r.state === 'preempting') && !this.preempted.has(r.job_key)) this.preemptJob(r);
    }
    // An admission makes room in a full queue: let the acquires waiting for it retry.
    if (admit.size > 0) this.wakeRoomWaiters();
    if (this.waiters.size === 0 && this.held.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  private admitted(jobKey: string): void {
    const w = this.waiters.get(jobKey);
    if (!w) return;
    this.waiters.delete(jobKey);
    this.held.set(jobKey, w.req);
    w.resolve();
  }

  private preemptJob(r: QueueRow, tries = 0): void {
    this.preempted.add(r.job_key);
    const d = this.opts.dispatchers.get(r.target);
    if (!d?.preempt) return;
    if (tries === 0) this.opts.onWarn?.(r.run_id, r.step_id, `attempt ${r.attempt} is being preempted for higher-priority work on target ${r.target} (grace ${this.graceMs} ms to checkpoint)`);
    d.preempt(r.job_key, this.graceMs).catch((err: Error) => {
      // Admitted a moment ago, its job may not be submitted yet: try again shortly.
      if (tries < 20 && !this.closed) setTimeout(() => this.preemptJob(r, tries + 1), 250);
      else this.opts.onWarn?.(r.run_id, r.step_id, `preempting ${r.job_key} failed: ${err.message}`);
    });
  }

  private ensurePolling(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => this.tick(), this.opts.pollMs ?? POLL_MS);
    this.timer.unref();
  }

  /** Another process committed (or a while passed): decide again. */
  private tick(): void {
    if (this.dataVersion() === this.lastVersion && this.now() - this.lastFull < FULL_PASS_MS) return;
    try {
      this.pass();
    } catch {
      // SQLITE_BUSY past busy_timeout: the next tick tries again.
    }
  }

  private dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  private write<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }
}

/** Liveness of owners for one pass (each distinct owner probed once). */
function livenessCache(self: string): (owner: string) => boolean {
  const seen = new Map<string, boolean>();
  return (owner) => {
    if (owner === self) return true;
    if (owner.startsWith(CLOSED)) return false;
    let alive = seen.get(owner);
    if (alive === undefined) seen.set(owner, (alive = !ownerIsDead(owner)));
    return alive;
  };
}
