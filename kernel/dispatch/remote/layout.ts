/**
 * Where a remote job lives on the target, and how a local JobSpec becomes the spec that
 * runs there. Layout under the target's root (absolute, `~` already resolved):
 *
 *   <root>/jobs/<jobId>/        job.sh run.sh spec.json claim pid started ended exit killed
 *                               stdout.log stderr.log events.jsonl
 *   <root>/jobs/<jobId>/work/   the job's cwd: a copy of the local work dir (inputs/…)
 *   <root>/stage/<sha256>/<name> staged files and dirs, content-addressed, uploaded once
 *   <root>/checkpoints/<runId>/<stepId>/  the step's checkpoints, kept across attempts
 */
import { posix } from 'node:path';
import { jobPaths, type JobPaths } from '../local/job-dir';
import type { JobSpec } from '../types';

/** The remote side of one job. */
export interface RemoteJobLayout {
  root: string;
  /** Job directory files (same names as the local dispatcher's job directory). */
  paths: JobPaths;
  /** The wrapper that claims, runs and records the job (wrapper-script.ts). */
  runScript: string;
  /** Epoch ms at which the wrapper ended (remote clock); sets the local mirror's `exit` mtime. */
  ended: string;
  /** The job's remote working directory. */
  work: string;
  checkpoints?: string;
}

/**
 * @example remoteLayout('/home/me/.sgr-remote', spec).work // '/home/me/.sgr-remote/jobs/r1.train.1/work'
 */
export function remoteLayout(root: string, spec: Pick<JobSpec, 'jobId' | 'runId' | 'stepId' | 'checkpointDir'>): RemoteJobLayout {
  const paths = jobPaths(posix.join(root, 'jobs'), spec.jobId);
  const layout: RemoteJobLayout = {
    root,
    paths,
    runScript: posix.join(paths.dir, 'run.sh'),
    ended: posix.join(paths.dir, 'ended'),
    work: posix.join(paths.dir, 'work'),
  };
  if (spec.checkpointDir) layout.checkpoints = posix.join(root, 'checkpoints', spec.runId, spec.stepId);
  return layout;
}

/** `<root>/stage/<sha>/<basename>`: where a staged local path lives remotely. */
export function stagePath(root: string, sha256: string, localPath: string): string {
  return posix.join(root, 'stage', sha256, posix.basename(localPath));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Rewrites path prefixes in a string: `from` matches only as a whole path component
 * (`/w/a` does not touch `/w/ab`). Longest prefixes first, so nested ones win.
 * @example rewritePaths('python /w/a/x.py', [['/w/a', '/r/a']]) // 'python /r/a/x.py'
 */
export function rewritePaths(value: string, map: Array<[string, string]>): string {
  const sorted = [...map].filter(([from]) => from.length > 1).sort((a, b) => b[0].length - a[0].length);
  if (sorted.length === 0) return value;
  const re = new RegExp(sorted.map(([from]) => `${escapeRegExp(from.replace(/\/+$/, ''))}(?=/|$|[^A-Za-z0-9._@+-])`).join('|'), 'g');
  const lookup = new Map(sorted.map(([from, to]) => [from.replace(/\/+$/, ''), to.replace(/\/+$/, '')]));
  return value.replace(re, (m) => lookup.get(m) ?? m);
}

/**
 * The spec as it runs on the target: cwd, staged paths and the checkpoint dir moved to
 * their remote places in cwd, argv and env.
 * @example remoteSpec(spec, layout, [['/home/me/exp', '/r/stage/ab…/exp']]).cwd // layout.work
 */
export function remoteSpec(spec: JobSpec, layout: RemoteJobLayout, staged: Array<[string, string]>): JobSpec {
  const map: Array<[string, string]> = [[spec.cwd, layout.work], ...staged];
  if (spec.checkpointDir && layout.checkpoints) map.push([spec.checkpointDir, layout.checkpoints]);
  const out: JobSpec = {
    ...spec,
    cwd: layout.work,
    argv: spec.argv.map((a) => rewritePaths(a, map)),
    env: Object.fromEntries(Object.entries(spec.env).map(([k, v]) => [k, rewritePaths(v, map)])),
  };
  if (spec.checkpointDir && layout.checkpoints) out.checkpointDir = layout.checkpoints;
  if (spec.stage) out.stage = staged.map(([, to]) => to);
  return out;
}
