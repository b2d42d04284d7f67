/** The objective of a finished trial run: a reported metric, else a numeric step output. */
import type { Kernel } from '../api/kernel';
import { lookupOutput } from '../common/refs';
import { decodeJson } from '../store/json-column';
import { stmt } from '../store/sql';

/**
 * `<step>.<name>`: the last value the step reported for metric `name`, else its output
 * `name` (dotted paths reach inside outputs) when that is a finite number; null when the
 * run has neither (a failed or cancelled trial, which TPE skips).
 * @example readObjective(kernel, runId, 'eval.loss') // 0.31
 */
export function readObjective(kernel: Kernel, runId: string, metric: string): number | null {
  const dot = metric.indexOf('.');
  if (dot <= 0) return null;
  const [stepId, name] = [metric.slice(0, dot), metric.slice(dot + 1)];
  const m = stmt(kernel.db, 'SELECT value FROM metrics WHERE run_id = ? AND step_id = ? AND name = ? ORDER BY rowid DESC LIMIT 1').get(runId, stepId, name) as { value: number } | undefined;
  if (m && Number.isFinite(m.value)) return m.value;
  const row = stmt(kernel.db, "SELECT outputs_json FROM steps WHERE run_id = ? AND step_id = ? AND state = 'COMPLETED'").get(runId, stepId) as { outputs_json: string | null } | undefined;
  const outputs = row ? decodeJson<Record<string, unknown> | null>(row.outputs_json, kernel.journal.blobs) : null;
  if (!outputs) return null;
  const found = lookupOutput(outputs, name);
  return found.found && typeof found.value === 'number' && Number.isFinite(found.value) ? found.value : null;
}
