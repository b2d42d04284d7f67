/** The `cache` table (K6) and the `blob_refs` table that keeps GC away from used blobs. */
import type { Db } from './db';
import { stmt } from './sql';

export interface CacheRow {
  key: string;
  skill: string;
  version: string;
  outputs_json: string;
  run_id: string;
  step_id: string;
  created_at: number;
}

export function getCached(db: Db, key: string): CacheRow | undefined {
  return stmt(db, 'SELECT * FROM cache WHERE key = ?').get(key) as CacheRow | undefined;
}

export function putCached(db: Db, row: CacheRow): void {
  stmt(
    db,
    `INSERT OR REPLACE INTO cache (key, skill, version, outputs_json, run_id, step_id, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(row.key, row.skill, row.version, row.outputs_json, row.run_id, row.step_id, row.created_at);
}

export function addBlobRef(db: Db, digest: string, runId: string, stepId: string): void {
  stmt(db, 'INSERT OR IGNORE INTO blob_refs (digest, run_id, step_id) VALUES (?, ?, ?)').run(digest, runId, stepId);
}

/** Every digest any run references — the GC root set. */
export function referencedDigests(db: Db): Set<string> {
  const rows = stmt(db, 'SELECT DISTINCT digest FROM blob_refs').all() as Array<{ digest: string }>;
  return new Set(rows.map((r) => r.digest));
}
