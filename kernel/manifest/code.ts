/** The code a run used: the experiment directory's git state, and the scripts its steps name. */
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { ManifestCode } from '../common/manifest';
import type { Plan } from '../common/plan';
import { probe, sha256 } from './probe';

export function collectCode(plan: Plan, experimentFile: string | null, experimentDigest: string | null): ManifestCode {
  // baseDir is where the loader found the experiment file; experimentFile may be cwd-relative.
  const dir = resolve(plan.baseDir);
  return { dir, experimentFile, experimentDigest, git: gitState(dir), files: scriptDigests(plan, dir) };
}

function gitState(dir: string): ManifestCode['git'] {
  if (probe('git', ['-C', dir, 'rev-parse', '--is-inside-work-tree'])?.trim() !== 'true') return null;
  const commit = probe('git', ['-C', dir, 'rev-parse', 'HEAD'])?.trim() || null; // null before the first commit
  const status = probe('git', ['-C', dir, 'status', '--porcelain'], { timeoutMs: 10_000 });
  const diff = commit === null ? null : probe('git', ['-C', dir, 'diff', 'HEAD'], { timeoutMs: 10_000 });
  return { commit, dirty: status === null ? true : status.trim() !== '', diffDigest: diff === null ? null : sha256(diff) };
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
