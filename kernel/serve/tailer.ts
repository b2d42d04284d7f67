/**
 * Live events across processes: a run started by `sgr run` in another process writes the
 * shared journal, never this process's bus. The tailer polls the journal (every 200 ms,
 * indexed queries only) and emits contract events: new runs by rowid cursor, run states and
 * step rows of the runs being executed right now, new metric rows by rowid cursor (the newest
 * point of each series per look). Logs are not pushed: clients poll `logs.read` (see docs/serve.md).
 *
 * "Executed right now" means holding an unexpired lease (or created in the last
 * WATCH_GRACE_MS, before its executor takes the lease): a journal can hold tens of thousands
 * of runs left RUNNING by crashed processes, and polling each of them every 200 ms would
 * starve the server.
 */
import type { EventName, EventPayload } from '../common/contract';
import type { RunState, StepState } from '../common/plan';
import type { Db } from '../store/db';

type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

const ACTIVE = "('CREATED', 'PLANNED', 'RUNNING')";
const WATCH_GRACE_MS = 30_000;

export class JournalTailer {
  private runRowid = 0;
  private metricRowid = 0;
  private readonly runs = new Map<string, { state: RunState | null; seq: number; since: number; full?: boolean }>();
  private readonly steps = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly emit: Emit,
    private readonly intervalMs = 200,
  ) {
    // Start from now: history is read through the methods, not replayed as events.
    this.runRowid = (db.prepare('SELECT coalesce(max(rowid), 0) AS m FROM runs').get() as { m: number }).m;
    this.metricRowid = (db.prepare('SELECT coalesce(max(rowid), 0) AS m FROM metrics').get() as { m: number }).m;
    for (const r of this.leasedRuns()) {
      this.runs.set(r.id, { state: r.state, seq: this.maxSeq(r.id), since: Date.now() });
      this.rememberSteps(r.id);
    }
  }

  /** Runs an executor holds right now (resumed ones included), with their state. */
  private leasedRuns(): Array<{ id: string; state: RunState }> {
    return this.db
      .prepare(`SELECT r.id, r.state FROM run_leases l JOIN runs r ON r.id = l.run_id WHERE l.expires_at > ? AND r.state IN ${ACTIVE}`)
      .all(Date.now()) as Array<{ id: string; state: RunState }>;
  }

  /**
   * Watches a run again (resumed, cancelled or re-leased): its current state and every step
   * that is not COMPLETED are announced on the next poll, whatever the UI last saw.
   */
  watch(runId: string): void {
    const known = this.runs.get(runId);
    if (known) {
      known.state = null;
      known.full = true;
      known.since = Date.now();
    } else {
      this.runs.set(runId, { state: null, seq: -1, since: Date.now(), full: true });
    }
  }

  start(): void {
    this.timer ??= setInterval(() => {
      try {
        this.poll();
      } catch (err) {
        process.emitWarning(`journal tailer: ${(err as Error).message}`);
      }
    }, this.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private maxSeq(runId: string): number {
    return (this.db.prepare('SELECT coalesce(max(seq), 0) AS m FROM events WHERE run_id = ?').get(runId) as { m: number }).m;
  }

  private rememberSteps(runId: string): void {
    for (const s of this.stepRows(runId)) this.steps.set(`${runId}\0${s.step_id}`, `${s.state}#${s.attempt}`);
  }

  private stepRows(runId: string) {
    return this.db.prepare('SELECT step_id, state, attempt, cache_hit FROM steps WHERE run_id = ?').all(runId) as Array<{ step_id: string; state: StepState; attempt: number; cache_hit: number }>;
  }

  /** One look at the journal; public so tests can drive it without timers. */
  poll(): void {
    const fresh = this.db.prepare('SELECT rowid, id, state FROM runs WHERE rowid > ? ORDER BY rowid').all(this.runRowid) as Array<{ rowid: number; id: string; state: RunState }>;
    for (const r of fresh) {
      this.runRowid = r.rowid;
      this.emit('run.created', { runId: r.id });
      this.runs.set(r.id, { state: 'CREATED', seq: 0, since: Date.now() });
    }
    // Resumed runs take a lease again: the leased set is re-read each time (a handful of rows).
    const leased = new Set<string>();
    for (const r of this.leasedRuns()) {
      leased.add(r.id);
      if (!this.runs.has(r.id)) this.watch(r.id);
    }
    for (const [runId, known] of this.runs) {
      const seq = this.maxSeq(runId);
      if (seq !== known.seq || known.full) {
        known.seq = seq;
        const full = known.full === true;
        known.full = false;
        for (const s of this.stepRows(runId)) {
          const key = `${runId}\0${s.step_id}`;
          const sig = `${s.state}#${s.attempt}`;
          const announce = full && s.state !== 'COMPLETED';
          if (this.steps.get(key) === sig && !announce) continue;
          const first = !this.steps.has(key);
          this.steps.set(key, sig);
          if (first && s.state === 'PENDING' && !announce) continue;
          this.emit('step.stateChanged', { runId, stepId: s.step_id, state: s.state, attempt: s.attempt, cacheHit: s.cache_hit === 1 });
        }
      }
      const run = this.db.prepare('SELECT state, error FROM runs WHERE id = ?').get(runId) as { state: RunState; error: string | null } | undefined;
      if (run && run.state !== known.state) {
        known.state = run.state;
        this.emit('run.stateChanged', { runId, state: run.state, error: run.error });
      }
      // Ended, or left behind by an executor that is gone (no lease after the grace period).
      const abandoned = !leased.has(runId) && Date.now() - known.since > WATCH_GRACE_MS;
      if (!run || abandoned || !['CREATED', 'PLANNED', 'RUNNING'].includes(run.state)) {
        this.runs.delete(runId);
        for (const k of this.steps.keys()) if (k.startsWith(`${runId}\0`)) this.steps.delete(k);
      }
    }
    // Coalesced: the newest point of each series per look. Clients refetch the series on it;
    // a point per event would flood the socket (a bulk import of 1M points is 1M frames).
    const metrics = this.db.prepare('SELECT rowid, run_id, step_id, name, value, step FROM metrics WHERE rowid > ? ORDER BY rowid LIMIT 50000').all(this.metricRowid) as Array<{ rowid: number; run_id: string; step_id: string; name: string; value: number; step: number | null }>;
    const newest = new Map<string, (typeof metrics)[number]>();
    for (const m of metrics) {
      this.metricRowid = m.rowid;
      newest.set(`${m.run_id}\0${m.step_id}\0${m.name}`, m);
    }
    for (const m of newest.values()) this.emit('step.metricReported', { runId: m.run_id, stepId: m.step_id, name: m.name, value: m.value, step: m.step });
  }
}
