/**
 * Re-run (R3): a new run from an original's frozen plan (its `plan_json`, not the
 * experiment file as it is now), recorded as a re-run of it (rerun-record.ts) and executed
 * without reusing cached results: every step runs again, so the result diff against the
 * original says whether the experiment reproduces. Results still go to the cache.
 */
import { KernelError } from '../api/errors';
import type { Kernel } from '../api/kernel';
import { diffManifests, type DiffSection, type ManifestDiff } from '../common/manifest-diff';
import type { Plan } from '../common/plan';
import { buildManifest } from '../manifest/build';
import { recordRerun } from './rerun-record';

/** The sections of a result comparison: what the steps produced, not how (params, code…). */
export const RESULT_SECTIONS: readonly DiffSection[] = ['metrics', 'steps'];

export interface RerunOptions {
  /** Runs the steps on the default target (`local`) on this target instead. */
  target?: string | undefined;
}

/**
 * Creates the re-run (PLANNED) and returns its id; execute it with `kernel.execute`
 * (which reads the re-run mark and skips cache lookups) or `runInBackground`.
 * @example const id = createRerun(kernel, original, { target: 'local' }); await kernel.execute(id)
 */
export function createRerun(kernel: Kernel, originalId: string, opts: RerunOptions = {}): string {
  const original = kernel.requireRun(originalId);
  const plan = JSON.parse(original.plan_json) as Plan;
  if (opts.target !== undefined) {
    if (!kernel.targets().includes(opts.target)) throw new KernelError('BAD_INPUT', `target: unknown target "${opts.target}" (known: ${kernel.targets().join(', ')})`);
    plan.steps = plan.steps.map((s) => (s.target === 'local' ? { ...s, target: opts.target as string } : s));
  }
  const runId = kernel.createRun(plan, { experimentFile: original.experiment_file, experimentDigest: original.experiment_digest });
  kernel.journal.writeNow((db) => recordRerun(db, runId, originalId, Date.now()));
  return runId;
}

export interface ResultDiff {
  identical: boolean;
  sections: Pick<ManifestDiff, 'metrics' | 'steps'>;
}

/**
 * The re-run's results against the original's: final metrics and step outputs (states
 * too). Cache hits are left out: a re-run never hits the cache by design.
 * @example resultDiff(kernel, original, rerun).identical
 */
export function resultDiff(kernel: Kernel, originalId: string, rerunId: string): ResultDiff {
  const full = diffManifests(buildManifest(kernel, originalId), buildManifest(kernel, rerunId));
  const steps = full.steps.changes.filter((c) => !c.path.endsWith('.cacheHit'));
  const sections = { metrics: full.metrics, steps: { identical: steps.length === 0, changes: steps } };
  return { identical: sections.metrics.identical && sections.steps.identical, sections };
}
