/**
 * Metrics reach the journal while a job runs, not only when its attempt commits: readers of
 * the journal (`sgr serve`'s tailer, another process) see curves grow live.
 *
 * The metric events of one attempt, in events-file order, are journaled as a prefix: rows
 * `[0, written)` are durable, the rest are pending. Writes go through the journal's group
 * commit, at most one in flight per attempt and at most one per LIVE_METRICS_FLUSH_MS, so a
 * job logging thousands of points per second costs a few fsyncs per second. The commit of
 * the attempt inserts only the points past that prefix (commit.ts). A kernel that re-attaches
 * to a running job after a restart reads its events file from the start again: it counts the
 * attempt's rows already in the journal and skips that many metric events.
 */
import type { ProtocolEvent } from '../dispatch/types';
import type { Db } from '../store/db';
import { checkLease } from '../store/lease';
import { appendMetrics, type MetricPoint } from '../store/metrics-repo';
import { stmt } from '../store/sql';
import type { KernelServices, RunContext } from './context';

/** Longest a reported metric waits before its write is queued. */
export const LIVE_METRICS_FLUSH_MS = 200;

/** Metric rows already journaled for one step attempt. */
export function countAttemptMetrics(db: Db, runId: string, stepId: string, attempt: number): number {
  return (stmt(db, 'SELECT count(*) AS n FROM metrics WHERE run_id = ? AND step_id = ? AND attempt = ?').get(runId, stepId, attempt) as { n: number }).n;
}

/** @example const live = new LiveMetrics(k, run, 'train', 1); live.open(false); listener.onEvent = (e) => live.add(e); … live.close() */
export class LiveMetrics {
  /** Metric events seen so far (ordinals in events-file order). */
  private seen = 0;
  /** Metric events durably in the journal: always a prefix of those seen. */
  private journaled = 0;
  private pending: MetricPoint[] = [];
  private inflight = false;
  private timer: NodeJS.Timeout | null = null;
  private closed = true;

  constructor(
    private readonly k: KernelServices,
    private readonly run: RunContext,
    private readonly stepId: string,
    private readonly attempt: number,
    private readonly flushMs = LIVE_METRICS_FLUSH_MS,
  ) {}

  /**
   * Starts accepting events. `reentering`: the attempt ran in an earlier kernel process,
   * which may have journaled some of its metrics already; those are skipped.
   */
  open(reentering: boolean): void {
    // A fresh attempt number has no rows: the intent record claims it before its job starts.
    if (reentering) this.journaled = countAttemptMetrics(this.k.journal.db, this.run.runId, this.stepId, this.attempt);
    this.closed = false;
  }

  /** The number of the attempt's metric events (from the start of its events file) already journaled. */
  get written(): number {
    return this.journaled;
  }

  add(e: ProtocolEvent): void {
    if (e.type !== 'metric') return;
    const ordinal = this.seen++;
    if (this.closed || ordinal < this.journaled) return;
    this.pending.push({ name: e.name, value: e.value, step: e.step ?? null, ts: e.ts ?? this.k.now() });
    this.schedule();
  }

  /** Stops live writes (the job ended): what is still pending is left to the commit. A write in flight is queued before it. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = [];
  }

  private schedule(): void {
    if (this.timer || this.inflight || this.closed || this.pending.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.flushMs);
    this.timer.unref();
  }

  private flush(): void {
    if (this.inflight || this.closed || this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const start = this.journaled;
    const { runId } = this.run;
    const lease = this.run.lease;
    this.inflight = true;
    this.k.journal
      .write((db) => {
        if (lease) checkLease(db, lease, this.k.now());
        appendMetrics(db, batch.map((p) => ({ runId, stepId: this.stepId, attempt: this.attempt, ...p })));
        // Set inside the transaction: a commit queued behind this write reads it.
        this.journaled = start + batch.length;
      })
      .catch((err: unknown) => {
        // Rolled back: the prefix did not grow. Stop live writes; the commit inserts the rest.
        this.journaled = Math.min(this.journaled, start);
        if (!this.closed) process.emitWarning(`live metrics of ${runId}/${this.stepId}#${this.attempt}: ${(err as Error).message} — left to the commit`);
        this.close();
      })
      .finally(() => {
        this.inflight = false;
        this.schedule();
      });
  }
}
