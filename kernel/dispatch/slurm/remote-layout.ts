/**
 * Where a job lives on the cluster and how its local paths are translated. The kernel
 * builds a JobSpec with paths of this machine (work dir, staged SDK, checkpoint dir); on
 * the cluster they live under the target's root, so every occurrence in argv and env is
 * rewritten, and outputs come back by the reverse mapping.
 *
 * Layout under `<root>`:
 *   `<jobId>/`            the local dispatcher's job-dir format (job.sh, stdout.log, exit…)
 *   `<jobId>/work/`       the job's cwd
 *   `<jobId>/stage/<abs>` staged files, at their local absolute path below stage/
 *   `checkpoints/<runId>/<stepId>/` kept across attempts, like $SGR_HOME/checkpoints
 */
import { posix } from 'node:path';
import { jobPaths, type JobPaths } from '../local/job-dir';
import type { JobSpec } from '../types';

export interface RemoteLayout {
  paths: JobPaths;
  work: string;
  stage: string;
  checkpoint: string;
  /** Local prefix → remote prefix, longest local prefix first. */
  map: Array<[string, string]>;
}

export function remoteLayout(root: string, spec: JobSpec): RemoteLayout {
  const paths = jobPaths(root, spec.jobId);
  const work = posix.join(paths.dir, 'work');
  const stage = posix.join(paths.dir, 'stage');
  const checkpoint = posix.join(root, 'checkpoints', spec.runId, spec.stepId);
  const map: Array<[string, string]> = [[spec.cwd, work]];
  for (const p of spec.stage ?? []) map.push([p, posix.join(stage, p)]);
  if (spec.checkpointDir) map.push([spec.checkpointDir, checkpoint]);
  map.sort((a, b) => b[0].length - a[0].length);
  return { paths, work, stage, checkpoint, map };
}

/**
 * Replaces each local prefix by its remote one where it starts a path (at the start of the
 * value or after `=`, `:`, a space or a quote), so `PYTHONPATH=/sdk:/x` and `--out=/w/a` both map.
 * @example rewritePaths('/w/a.txt', [['/w', '/r/work']]) // '/r/work/a.txt'
 */
export function rewritePaths(value: string, map: Array<[string, string]>): string {
  let out = value;
  for (const [from, to] of map) {
    if (from === to || from === '') continue;
    const esc = from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`(^|[=:\\s'"])${esc}(?=$|[/:\\s'"])`, 'g'), (_m, pre: string) => `${pre}${to}`);
  }
  return out;
}

/** The spec as the cluster runs it: cwd, argv and env on remote paths. */
export function remoteSpec(spec: JobSpec, layout: RemoteLayout): JobSpec {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec.env)) env[k] = rewritePaths(v, layout.map);
  const out: JobSpec = { ...spec, cwd: layout.work, argv: spec.argv.map((a) => rewritePaths(a, layout.map)), env };
  if (spec.checkpointDir) out.checkpointDir = layout.checkpoint;
  return out;
}

/** Back from the cluster: remote work-dir paths (in events, artifact lines) → local ones. */
export function localizePaths(text: string, spec: JobSpec, layout: RemoteLayout): string {
  const back: Array<[string, string]> = layout.map.map(([l, r]) => [r, l]);
  back.sort((a, b) => b[0].length - a[0].length);
  return rewritePaths(text, back);
}
