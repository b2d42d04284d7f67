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
 * The re-run's results against the original's: final metrics, step states and outputs.
 * How a step got there is left out (cache key and hit, attempts, skill version): the drift
 * report tells what changed on the way in.
 * @example resultDiff(kernel, original, rerun).identical
 */
export function resultDiff(kernel: Kernel, originalId: string, rerunId: string): ResultDiff {
  const a = buildManifest(kernel, originalId);
  const b = buildManifest(kernel, rerunId);
  const full = diffManifests(a, b);
  const ids = new Set([...a.steps, ...b.steps].map((s) => s.id));
  const steps = full.steps.changes.filter((c) => isResult(c.path, ids));
  // A step the original took from the cache reported no metrics in that run: nothing to compare.
  const cachedThen = a.steps.filter((s) => s.cacheHit).map((s) => `${s.id}.`);
  const metrics = full.metrics.changes.filter((c) => !(c.a === null && cachedThen.some((p) => c.path.startsWith(p))));
  const sections = { metrics: { identical: metrics.length === 0, changes: metrics }, steps: { identical: steps.length === 0, changes: steps } };
  return { identical: sections.metrics.identical && sections.steps.identical, sections };
}

/** `<step>.state` or `<step>.outputs…` of the steps section. */
function isResult(path: string, stepIds: ReadonlySet<string>): boolean {
  for (const id of stepIds) {
    if (!path.startsWith(`${id}.`)) continue;
    const rest = path.slice(id.length + 1);
    if (rest === 'state' || rest === 'outputs' || rest.startsWith('outputs.')) return true;
  }
  return false;
}
