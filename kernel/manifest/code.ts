/** The code a run used: the experiment directory's git state, and the scripts its steps name. */
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { ManifestCode } from '../common/manifest';
import type { Plan } from '../common/plan';
import { probe, probeAsync, sha256 } from './probe';

const GIT_SLOW_MS = 10_000;
const gitProbes = (dir: string) => ({
  inside: ['git', ['-C', dir, 'rev-parse', '--is-inside-work-tree'], {}],
  commit: ['git', ['-C', dir, 'rev-parse', 'HEAD'], {}],
  status: ['git', ['-C', dir, 'status', '--porcelain'], { timeoutMs: GIT_SLOW_MS }],
  diff: ['git', ['-C', dir, 'diff', 'HEAD'], { timeoutMs: GIT_SLOW_MS }],
}) as const;

type RawGit = Record<keyof ReturnType<typeof gitProbes>, string | null>;

export function collectCode(plan: Plan, experimentFile: string | null, experimentDigest: string | null): ManifestCode {
  // baseDir is where the loader found the experiment file; experimentFile may be cwd-relative.
  const dir = resolve(plan.baseDir);
  const p = gitProbes(dir);
  const inside = probe(...p.inside);
  const git = inside === null ? null : parseGit({ inside, commit: probe(...p.commit), status: probe(...p.status), diff: probe(...p.diff) });
  return { dir, experimentFile, experimentDigest, git, files: scriptDigests(plan, dir) };
}

/**
 * `collectCode` without blocking the event loop (git probes in parallel).
 * @example const code = await collectCodeAsync(plan, 'exp.yaml', null); code.git?.dirty
 */
export async function collectCodeAsync(plan: Plan, experimentFile: string | null, experimentDigest: string | null): Promise<ManifestCode> {
  const dir = resolve(plan.baseDir);
  // Scripts are hashed before the first await, i.e. before any step of the run can edit them.
  const files = scriptDigests(plan, dir);
  const p = gitProbes(dir);
  const [inside, commit, status, diff] = await Promise.all([probeAsync(...p.inside), probeAsync(...p.commit), probeAsync(...p.status), probeAsync(...p.diff)]);
  return { dir, experimentFile, experimentDigest, git: parseGit({ inside, commit, status, diff }), files };
}

function parseGit(raw: RawGit): ManifestCode['git'] {
  if (raw.inside?.trim() !== 'true') return null;
  const commit = raw.commit?.trim() || null; // null before the first commit
  return {
    commit,
    dirty: raw.status === null ? true : raw.status.trim() !== '',
    diffDigest: commit === null || raw.diff === null ? null : sha256(raw.diff),
  };
}

/** Scripts of `python` steps that are files (not inline code, not upstream artifacts). */
function scriptDigests(plan: Plan, dir: string): Record<string, string | null> {
  const files: Record<string, string | null> = {};
  for (const step of plan.steps) {
    const script = step.skill === 'python' ? step.params.script : undefined;
    if (typeof script !== 'string' || script.includes('${') || script.startsWith('inputs/')) continue;
    const path = isAbsolute(script) ? script : resolve(plan.baseDir, script);
    const key = relative(dir, path) || path;
    try {
      files[key] = sha256(readFileSync(path));
    } catch {
      files[key] = null;
    }
  }
  return files;
}
