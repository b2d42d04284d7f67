/**
 * Opens the journal database with the pragmas the kernel's guarantees rest on.
 *
 * - journal_mode=WAL: readers (the UI, `sgr runs`) never block the writer.
 * - synchronous=FULL: in WAL mode this fsyncs the WAL on every commit, so a committed
 *   intent record survives an OS crash or power loss. NORMAL would only fsync at
 *   checkpoints: a commit could be lost on power failure, and then a job could run twice.
 *   The cost (~0.3 ms per commit on this machine's ext4) is paid once per step because
 *   the kernel group-commits (see journal.ts).
 * - busy_timeout: several processes (CLI, app, resumers) share one file.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrate } from './migrate';

export type Db = Database.Database;

export interface OpenOptions {
  /** Only for tests and in-memory replays; production always uses FULL. */
  synchronous?: 'FULL' | 'NORMAL' | 'OFF';
  readonly?: boolean;
}

/** @example const db = openDb(join(home, 'journal.db')); */
export function openDb(file: string, opts: OpenOptions = {}): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  let db: Db;
  try {
    db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  } catch (err) {
    throw new Error(`cannot open journal ${file}: ${(err as Error).message}`);
  }
  db.pragma('busy_timeout = 10000');
  if (!opts.readonly) {
    if (file !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${opts.synchronous ?? 'FULL'}`);
    db.pragma('foreign_keys = ON');
    migrate(db);
  }
  return db;
}
