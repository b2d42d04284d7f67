/**
 * The `effects` table: an intent record before every external effect (a job start, a file
 * written outside the CAS) and a completion record after it. After a crash, an intent
 * without completion tells the resumer exactly which effect may have happened.
 */
import type { Db } from './db';
import { stmt } from './sql';

export interface EffectRow {
  run_id: string;
  step_id: string;
  attempt: number;
  effect_id: string;
  kind: string;
  detail_json: string | null;
  state: 'intent' | 'done' | 'failed';
  intent_at: number;
  done_at: number | null;
}

export interface EffectKey {
  runId: string;
  stepId: string;
  attempt: number;
  effectId: string;
}

export function recordIntent(db: Db, k: EffectKey, kind: string, detail: unknown, at: number): void {
  stmt(
    db,
    `INSERT INTO effects (run_id, step_id, attempt, effect_id, kind, detail_json, state, intent_at)
     VALUES (?, ?, ?, ?, ?, ?, 'intent', ?)
     ON CONFLICT (run_id, step_id, attempt, effect_id) DO NOTHING`,
  ).run(k.runId, k.stepId, k.attempt, k.effectId, kind, JSON.stringify(detail), at);
}

export function recordCompletion(db: Db, k: EffectKey, state: 'done' | 'failed', at: number): void {
  stmt(
    db,
    'UPDATE effects SET state = ?, done_at = ? WHERE run_id = ? AND step_id = ? AND attempt = ? AND effect_id = ?',
  ).run(state, at, k.runId, k.stepId, k.attempt, k.effectId);
}

export function getEffect(db: Db, k: EffectKey): EffectRow | undefined {
  return stmt(db, 'SELECT * FROM effects WHERE run_id = ? AND step_id = ? AND attempt = ? AND effect_id = ?').get(
    k.runId,
    k.stepId,
    k.attempt,
    k.effectId,
  ) as EffectRow | undefined;
}

export function listEffects(db: Db, runId: string): EffectRow[] {
  return stmt(db, 'SELECT * FROM effects WHERE run_id = ? ORDER BY intent_at, step_id').all(runId) as EffectRow[];
}
