/**
 * The journal's write path, with group commit: writes queued during one turn of the event
 * loop share a single transaction (one fsync), and every caller's promise resolves only
 * after that transaction is durable. Each write runs in its own savepoint, so one failing
 * write is rolled back alone and rejects only its own promise.
 */
import type { Db } from './db';
import type { BlobSink } from './json-column';

interface Pending {
  fn: (db: Db) => unknown;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

export class Journal {
  private queue: Pending[] = [];
  private scheduled = false;
  /** Number of transactions committed (group commits), for benchmarks and tests. */
  commits = 0;

  constructor(
    readonly db: Db,
    readonly blobs: BlobSink | null,
  ) {}

  /**
   * Queues `fn` into the next group commit; resolves with its result once durable.
   * @example await journal.write((db) => updateStep(db, runId, 'a', { state: 'COMPLETED' }))
   */
  write<T>(fn: (db: Db) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** A write that must be durable before the caller continues synchronously (setup, leases). */
  writeNow<T>(fn: (db: Db) => T): T {
    const result = this.db.transaction(() => fn(this.db)).immediate();
    this.commits++;
    return result;
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    const outcomes: Array<{ ok: boolean; value: unknown }> = [];
    try {
      this.db
        .transaction(() => {
          for (const item of batch) {
            try {
              outcomes.push({ ok: true, value: this.db.transaction(() => item.fn(this.db))() });
            } catch (err) {
              outcomes.push({ ok: false, value: err });
            }
          }
        })
        .immediate();
      this.commits++;
    } catch (err) {
      for (const item of batch) item.reject(err);
      return;
    }
    batch.forEach((item, i) => {
      const o = outcomes[i] as { ok: boolean; value: unknown };
      if (o.ok) item.resolve(o.value);
      else item.reject(o.value);
    });
  }
}
