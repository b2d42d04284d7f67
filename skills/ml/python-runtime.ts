/**
 * Which Python runs the reference trainer. The `python3` on PATH is often a pyenv or venv
 * without PyTorch while the distribution's interpreter has it, so we probe for `torch`
 * instead of trusting the first name that resolves.
 */
import { spawnSync } from 'node:child_process';
import { delimiter } from 'node:path';
import { pythonSdkDir } from '../python/sdk-path';

export const PYTHON_CANDIDATES: readonly string[] = ['python3', '/usr/bin/python3'];

const probed = new Map<string, boolean>();

// find_spec locates torch without importing it: ~30 ms instead of seconds, and this runs
// synchronously on the kernel's event loop.
const PROBE = 'import importlib.util, sys; sys.exit(0 if importlib.util.find_spec("torch") else 1)';

/** True when `python` can find the torch package; each interpreter is probed once per process. */
export function hasTorch(python: string): boolean {
  let ok = probed.get(python);
  if (ok === undefined) {
    const r = spawnSync(python, ['-c', PROBE], { stdio: 'ignore', timeout: 60_000 });
    ok = r.status === 0;
    probed.set(python, ok);
  }
  return ok;
}

export class NoTorchError extends Error {
  constructor(tried: readonly string[]) {
    super(`no Python with PyTorch found (tried ${tried.join(', ')}): install python3-torch (Debian) or pip install torch, or set SGR_PYTHON`);
  }
}

/**
 * The interpreter for a trainer job: the step's `python` param, else `$SGR_PYTHON`, else
 * the first candidate that can import torch.
 * @example resolvePython(undefined) → '/usr/bin/python3'
 */
export function resolvePython(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env, candidates = PYTHON_CANDIDATES): string {
  if (explicit !== undefined && explicit !== '') return explicit;
  const fromEnv = env.SGR_PYTHON;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const found = candidates.find(hasTorch);
  if (found === undefined) throw new NoTorchError(candidates);
  return found;
}

/** The interpreter, or null when none has torch (tests use it to skip). */
export function findTorchPython(): string | null {
  try {
    return resolvePython(undefined);
  } catch (err) {
    if (err instanceof NoTorchError) return null;
    throw err;
  }
}

/**
 * What a Python job reads besides its work directory: the SDK. Remote targets upload it
 * (SSH, Slurm) or mount it read-only (Docker); see JobSpec.stage.
 */
export function pythonJobStage(...more: string[]): string[] {
  return [pythonSdkDir(), ...more];
}

/**
 * Environment of a Python job: the SDK (sgr_worker, sgr_lora) first on PYTHONPATH, the
 * kernel's own PYTHONPATH kept after it, unbuffered output so logs stream live.
 */
export function pythonJobEnv(extra: Record<string, string> = {}): Record<string, string> {
  const pythonPath = [pythonSdkDir(), process.env.PYTHONPATH].filter((x) => x !== undefined && x !== '').join(delimiter);
  return { PYTHONUNBUFFERED: '1', ...extra, PYTHONPATH: pythonPath };
}
