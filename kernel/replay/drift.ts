/**
 * Drift (R3): what differs NOW from when a run ran, before it is re-run. Four questions:
 *  - code: the experiment directory's git state (commit, dirty, diff digest) and the
 *    experiment file's digest, against the run's frozen snapshot (manifest/freeze.ts);
 *  - environment: OS, CPU, memory size, Node, Python, pip freeze, torch/CUDA, GPUs;
 *  - data: every file a step hashed into its cache key (a skill's `cacheInputs`: python
 *    scripts, dataset path sources, registered artifact files), re-hashed now. The step's
 *    cache key is recomputed from the journal's upstream outputs and today's file digests
 *    (at the skill version it ran with), so a change is detected even when the journal
 *    never kept the file's own digest; a file that cannot be read any more is drift too;
 *  - skills: each skill's version then and in the registry now.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Kernel } from '../api/kernel';
import type { Drift } from '../common/contract-replay';
import { compareFlat, flatten } from '../common/manifest-diff';
import type { Manifest } from '../common/manifest';
import type { Plan, PlanStep } from '../common/plan';
import { digestOf, resolveStep } from '../lifecycle/resolve';
import { buildManifest } from '../manifest/build';
import { collectCodeAsync } from '../manifest/code';
import { collectEnvironmentAsync } from '../manifest/environment';
import { snapshotFile } from '../manifest/freeze';
import type { Skill } from '../skills/api';
import { decodeJson } from '../store/json-column';

type Item = Drift['code'][number];

/** @example const d = await driftReport(kernel, runId); d.data // [{ path: 'train.py', recorded: 'sha256:…', now: 'sha256:…' }] */
export async function driftReport(kernel: Kernel, runId: string): Promise<Drift> {
  const run = kernel.requireRun(runId);
  const plan = JSON.parse(run.plan_json) as Plan;
  // The manifest repeats the frozen snapshot (and freezes one for an old run that lacks it).
  const manifest = buildManifest(kernel, runId);
  const [codeNow, envNow] = await Promise.all([
    collectCodeAsync(plan, run.experiment_file, run.experiment_digest),
    collectEnvironmentAsync(dirname(snapshotFile(kernel.paths.home, runId))),
  ]);

  const code = driftOf({ git: manifest.code.git }, { git: codeNow.git });
  if (run.experiment_file && run.experiment_digest) {
    const now = experimentDigest(run.experiment_file);
    if (now !== run.experiment_digest) code.push({ path: `experiment ${run.experiment_file}`, recorded: run.experiment_digest, now });
  }
  const environment = driftOf(manifest.environment, envNow);
  const data = dataDrift(kernel, plan, manifest);
  const skills = skillDrift(kernel, manifest);
  const identical = code.length + environment.length + data.length + skills.length === 0;
  return { runId, identical, code, environment, data, skills };
}

function experimentDigest(file: string): string | null {
  try {
    return digestOf(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** Differing leaves, as `recorded → now`. */
function driftOf(recorded: unknown, now: unknown): Item[] {
  return compareFlat(flatten(recorded), flatten(now)).map((c) => ({ path: c.path, recorded: c.a, now: c.b }));
}

/** Files hashed into cache keys: recomputed now, compared through the recorded cache key. */
function dataDrift(kernel: Kernel, plan: Plan, manifest: Manifest): Item[] {
  const rows = new Map(kernel.steps(manifest.run.id).map((r) => [r.step_id, r]));
  const upstream = new Map<string, Record<string, unknown>>();
  for (const [id, r] of rows) {
    if (r.state === 'COMPLETED' && r.outputs_json) upstream.set(id, decodeJson<Record<string, unknown>>(r.outputs_json, kernel.journal.blobs) ?? {});
  }
  const versionOf = new Map(manifest.steps.map((s) => [s.id, s.skillVersion]));
  const items = new Map<string, Item>();
  for (const step of plan.steps) {
    const row = rows.get(step.id);
    const skill = kernel.skills.get(step.skill);
    if (!row?.cache_key || !skill?.cacheInputs) continue;
    let now: Record<string, string>;
    try {
      now = skill.cacheInputs(step.params, plan.baseDir);
    } catch {
      // The file the step read is gone (or unreadable).
      const path = inputPaths(step, plan.baseDir)[0] ?? step.id;
      items.set(path, { path, recorded: recordedDigest(manifest, path) ?? `hashed into ${step.id}'s cache key`, now: null });
      continue;
    }
    // The key as it would be now, at the skill version the step ran with.
    const asThen: Skill = { ...skill, version: versionOf.get(step.id) ?? skill.version } as Skill;
    let key: string;
    try {
      key = resolveStep(step, asThen, upstream, plan.baseDir).cacheKey;
    } catch {
      continue; // an upstream step never completed: nothing to compare
    }
    if (key === row.cache_key) continue;
    const paths = inputPaths(step, plan.baseDir);
    for (const [name, digest] of Object.entries(now)) {
      const only = Object.keys(now).length === 1 ? paths[0] : undefined;
      const path = paths.find((p) => p.endsWith(name)) ?? only ?? `${step.id}.${name}`;
      const recorded = recordedDigest(manifest, path);
      if (recorded === digest) continue;
      items.set(path, { path, recorded: recorded ?? `hashed into ${step.id}'s cache key`, now: digest });
    }
  }
  return [...items.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
}

/**
 * The files a step names in its params, relative to the experiment directory, in the
 * places the built-in skills with `cacheInputs` read them: `script` (python),
 * `source.path` (dataset), `files.<name>.path` (artifact).
 */
function inputPaths(step: PlanStep, baseDir: string): string[] {
  const p = step.params as { script?: unknown; source?: { path?: unknown }; files?: Record<string, { path?: unknown }> };
  const raw = [p.script, p.source?.path, ...Object.values(p.files ?? {}).map((f) => f?.path)];
  return raw.filter((x): x is string => typeof x === 'string' && !x.includes('${')).map((x) => relative(baseDir, resolve(baseDir, x)) || x);
}

/** The frozen snapshot's digest of a script, when it kept one. */
function recordedDigest(manifest: Manifest, path: string): string | null {
  return manifest.code.files[path] ?? manifest.code.files[join(manifest.code.dir, path)] ?? null;
}

function skillDrift(kernel: Kernel, manifest: Manifest): Item[] {
  const seen = new Map<string, Item>();
  for (const s of manifest.steps) {
    const now = kernel.skills.get(s.skill)?.version ?? null;
    if (s.skillVersion !== now && !seen.has(s.skill)) seen.set(s.skill, { path: s.skill, recorded: s.skillVersion, now });
  }
  return [...seen.values()];
}
