/**
 * Numbered schema migrations, applied in order inside one transaction each and recorded
 * in PRAGMA user_version. A database newer than this code is refused rather than guessed at.
 */
import type Database from 'better-sqlite3';
import { migrations } from './migrations';

export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

export const LATEST_VERSION = migrations.length;

/** Brings `db` to `target` (default: latest). @example migrate(db) */
export function migrate(db: Database.Database, target = LATEST_VERSION): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > LATEST_VERSION) {
    throw new Error(
      `journal schema version ${current} is newer than this sgr understands (${LATEST_VERSION}); upgrade sgr`,
    );
  }
  for (const m of migrations) {
    if (m.version <= current || m.version > target) continue;
    db.transaction(() => {
      // Re-read under the write lock: another process opening the same fresh home may have
      // applied this migration since `current` was read (two `sgr run`s started at once).
      if ((db.pragma('user_version', { simple: true }) as number) >= m.version) return;
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return db.pragma('user_version', { simple: true }) as number;
}
