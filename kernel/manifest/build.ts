/**
 * Builds a run's reproducibility manifest (R1) from the journal, the CAS and the machine.
 * Code and environment are frozen in `$SGR_HOME/manifests/<runId>.json` when the run starts
 * executing (freeze.ts); every manifest repeats them. A run from before that gets them
 * captured (and frozen) by its first manifest after it ended.
 */
import pkg from '../../package.json';
import type { Kernel } from '../api/kernel';
import { MANIFEST_VERSION, type Manifest, type ManifestStep } from '../common/manifest';
import { isArtifactRef, type Plan } from '../common/plan';
import { findRefs } from '../common/refs';
import { getCached } from '../store/cache-repo';
import { listEffects } from '../store/effects-repo';
import { decodeJson } from '../store/json-column';
import { listMetrics } from '../store/metrics-repo';
import type { RunRow } from '../store/runs-repo';
import { collectCode } from './code';
import { collectEnvironment } from './environment';
import { readSnapshot, writeSnapshot, type Snapshot } from './freeze';

const ENDED = new Set(['COMPLETED', 'FAILED', 'ABORTED']);

/** @example const m = buildManifest(kernel, kernel.resolveRunId('2026')); m.steps[0].cacheKey */
export function buildManifest(kernel: Kernel, runId: string): Manifest {
  const run = kernel.requireRun(runId);
  const plan = JSON.parse(run.plan_json) as Plan;
  const order = new Map(plan.steps.map((s, i) => [s.id, i]));
  const rows = kernel.steps(runId).sort((a, b) => (order.get(a.step_id) ?? 0) - (order.get(b.step_id) ?? 0));
  const skillOf = new Map(plan.steps.map((s) => [s.id, s.skill]));

  // The job intent records hold each attempt's argv.
  const commands = new Map<string, string[]>();
  for (const e of listEffects(kernel.db, runId)) {
    const argv = e.kind === 'job.start' && e.detail_json ? (JSON.parse(e.detail_json) as { argv?: unknown }).argv : undefined;
    if (Array.isArray(argv)) commands.set(`${e.step_id}#${e.attempt}`, argv.map(String));
  }
  const steps: ManifestStep[] = rows.map((r) => {
    const skill = skillOf.get(r.step_id) ?? 'unknown';
    const outputs = decodeJson<Record<string, unknown>>(r.outputs_json, kernel.journal.blobs);
    const artifacts: Record<string, string> = {};
    collectArtifacts(outputs, '', artifacts);
    return {
      id: r.step_id,
      skill,
      skillVersion: (r.cache_key ? getCached(kernel.db, r.cache_key)?.version : undefined) ?? kernel.skills.get(skill)?.version ?? null,
      params: decodeJson<Record<string, unknown>>(r.params_json, kernel.journal.blobs),
      cacheKey: r.cache_key,
      cacheHit: r.cache_hit === 1,
      attempt: r.attempt,
      state: r.state,
      outputs,
      artifacts,
      durationMs: r.started_at !== null && r.ended_at !== null ? r.ended_at - r.started_at : null,
      command: r.cache_hit === 1 ? null : commands.get(`${r.step_id}#${r.attempt}`) ?? null,
    };
  });

  const data: Manifest['data'] = {};
  const entry = (digest: string) => (data[digest] ??= { size: kernel.cas.size(digest), producedBy: [], consumedBy: [] });
  for (const s of steps) {
    for (const [path, digest] of Object.entries(s.artifacts)) entry(digest).producedBy.push(`${s.id}.outputs.${path}`);
  }
  const byStep = new Map(steps.map((s) => [s.id, s]));
  for (const ps of plan.steps) {
    for (const ref of [...findRefs(ps.params, '').refs, ...findRefs(ps.inputs, '').refs]) {
      const up = byStep.get(ref.stepId);
      for (const [path, digest] of Object.entries(up?.artifacts ?? {})) {
        if (path !== ref.output && !path.startsWith(`${ref.output}.`)) continue;
        const consumers = entry(digest).consumedBy;
        if (!consumers.includes(ps.id)) consumers.push(ps.id);
      }
    }
  }

  const { capturedAt, code, environment } = snapshot(kernel, run, plan);
  return {
    manifestVersion: MANIFEST_VERSION,
    run: {
      id: run.id, name: run.name, state: run.state, createdAt: run.created_at, startedAt: run.started_at, endedAt: run.ended_at,
      planDigest: run.plan_digest, kernelVersion: pkg.version,
    },
    steps,
    data,
    code,
    environment,
    capturedAt,
    metrics: lastMetrics(kernel, runId),
  };
}

function collectArtifacts(value: unknown, path: string, out: Record<string, string>): void {
  if (isArtifactRef(value)) out[path] = value.$artifact;
  else if (Array.isArray(value)) value.forEach((v, i) => collectArtifacts(v, path ? `${path}.${i}` : String(i), out));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) collectArtifacts(v, path ? `${path}.${k}` : k, out);
  }
}

/** Last value per metric per step: the highest reported step, ties broken by time. */
function lastMetrics(kernel: Kernel, runId: string): Manifest['metrics'] {
  const best = new Map<string, { step: number; ts: number; value: number }>();
  for (const p of listMetrics(kernel.db, runId)) {
    const key = JSON.stringify([p.step_id, p.name]);
    const cur = best.get(key);
    const step = p.step ?? -1;
    if (!cur || step > cur.step || (step === cur.step && p.ts >= cur.ts)) best.set(key, { step, ts: p.ts, value: p.value });
  }
  const out: Manifest['metrics'] = {};
  for (const [key, v] of best) {
    const [stepId, name] = JSON.parse(key) as [string, string];
    (out[stepId] ??= {})[name] = v.value;
  }
  return out;
}

function snapshot(kernel: Kernel, run: RunRow, plan: Plan): Snapshot {
  // Frozen when the run started executing (or, for runs from before that, when it ended).
  const frozen = readSnapshot(kernel.paths.home, run.id);
  if (frozen) return frozen;
  const snap: Snapshot = {
    capturedAt: Date.now(),
    code: collectCode(plan, run.experiment_file, run.experiment_digest),
    environment: collectEnvironment(),
  };
  if (ENDED.has(run.state)) writeSnapshot(kernel.paths.home, run.id, snap);
  return snap;
}
