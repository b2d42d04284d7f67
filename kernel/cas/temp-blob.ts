/**
 * A blob being written: hashes what it is given on the calling thread and writes it to a
 * temp file through a serialized queue on the libuv pool, so hashing chunk k overlaps
 * the write of chunk k-1. finish() publishes it under its digest; abort() removes it.
 */
import { createHash, type Hash } from 'node:crypto';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { DIGEST_PREFIX } from './digest';
import { tempName } from './durable-fs';
import type { CasLayout } from './layout';
import { publishTemp, touchExisting } from './publish';
import { EARLY_SYNC_BYTES } from './tuning';
import type { CasPut } from './types';

/**
 * One in-progress write. Never rejects from append(); the first I/O error is kept and
 * thrown by check()/finish(), because a rejected promise nobody awaits yet would crash
 * the process as an unhandled rejection.
 * @example const t = await TempBlob.create(layout); void t.append([buf]); const put = await t.finish();
 */
export class TempBlob {
  private readonly hash: Hash = createHash('sha256');
  private tail: Promise<void> = Promise.resolve();
  private syncing: Promise<void> | null = null;
  private failure: unknown = null;
  private written = 0;
  private syncedUpTo = 0;
  private closed = false;
  /** Bytes given to append() so far (hashed; maybe not yet written). */
  size = 0;

  private constructor(
    private readonly layout: CasLayout,
    readonly path: string,
    private readonly fh: FileHandle,
  ) {}

  /**
   * Opens a fresh temp file under root/tmp, created read-only (the fd stays writable),
   * so the published blob needs no chmod.
   * @example const t = await TempBlob.create(layout)
   */
  static async create(layout: CasLayout): Promise<TempBlob> {
    await layout.ensureBase();
    const path = join(layout.tmpDir, tempName('put'));
    return new TempBlob(layout, path, await open(path, 'wx', 0o444));
  }

  /**
   * Hashes `chunks` now and queues them for writing. The returned promise settles (never
   * rejects) once they are written; the caller must not reuse their memory before that.
   * @example await t.append([buf]); t.check();
   */
  append(chunks: Uint8Array[]): Promise<void> {
    for (const c of chunks) {
      this.hash.update(c);
      this.size += c.byteLength;
    }
    this.tail = this.tail
      .then(() => (this.failure ? undefined : this.writeAll(chunks)))
      .catch((e: unknown) => {
        this.failure ??= e;
      });
    return this.tail;
  }

  /** Throws the first write error, if any. @example await t.append([b]); t.check(); */
  check(): void {
    if (this.failure) throw this.failure;
  }

  /**
   * Waits for queued writes, then publishes: dedup against an existing blob, or fsync +
   * rename + directory fsync. The temp file is gone afterwards either way.
   * @example const { digest, existed } = await t.finish()
   */
  async finish(): Promise<CasPut> {
    await this.tail;
    await this.syncing;
    this.check();
    const hex = this.hash.digest('hex');
    const put: CasPut = { digest: DIGEST_PREFIX + hex, size: this.size, existed: false };
    // Checked before the fsync: flushing bytes we are about to delete is wasted time.
    if (await touchExisting(this.layout.blobPath(hex), this.size)) {
      await this.abort();
      return { ...put, existed: true };
    }
    await this.fh.sync();
    this.closed = true;
    await this.fh.close();
    await publishTemp(this.layout, this.path, hex);
    return put;
  }

  /**
   * Closes and deletes the temp file; never throws (it runs on error paths).
   * @example try { … } catch (e) { await t.abort(); throw e; }
   */
  async abort(): Promise<void> {
    await this.tail;
    await this.syncing;
    if (!this.closed) {
      this.closed = true;
      await this.fh.close().catch(() => undefined);
    }
    await unlink(this.path).catch(() => undefined);
  }

  private async writeAll(chunks: Uint8Array[]): Promise<void> {
    const pending = chunks.filter((c) => c.byteLength > 0);
    while (pending.length > 0) {
      let n = (await this.fh.writev(pending, this.written)).bytesWritten;
      this.written += n;
      // writev may stop short (signals, quotas); resume exactly where it stopped.
      while (pending.length > 0 && n >= pending[0]!.byteLength) n -= pending.shift()!.byteLength;
      if (n > 0 && pending.length > 0) pending[0] = pending[0]!.subarray(n);
    }
    this.maybeStartEarlySync();
  }

  private maybeStartEarlySync(): void {
    if (EARLY_SYNC_BYTES <= 0 || this.syncing || this.written - this.syncedUpTo < EARLY_SYNC_BYTES) return;
    const upTo = this.written;
    this.syncing = this.fh
      .datasync()
      .then(() => {
        this.syncedUpTo = upTo;
      })
      .catch((e: unknown) => {
        this.failure ??= e;
      })
      .finally(() => {
        this.syncing = null;
      });
  }
}
