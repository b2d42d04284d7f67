/**
 * The machine a run ran on. Environment variables are never captured: they hold secrets.
 * Every probe tolerates absence (no python3, no pip, no torch, no nvidia-smi).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import type { ManifestEnvironment } from '../common/manifest';
import { probe, probeAsync, sha256 } from './probe';

const PIP_TIMEOUT_MS = 10_000;
// Importing torch takes seconds on a cold cache; CUDA initialisation is not needed for versions.
const TORCH_TIMEOUT_MS = 20_000;
const TORCH_PROBE = 'import json, torch; print(json.dumps([torch.__version__, torch.version.cuda]))';
const PROBES = {
  python: ['python3', ['--version'], {}],
  pip: ['python3', ['-m', 'pip', 'freeze'], { timeoutMs: PIP_TIMEOUT_MS }],
  torch: ['python3', ['-c', TORCH_PROBE], { timeoutMs: TORCH_TIMEOUT_MS }],
  gpus: ['nvidia-smi', ['--query-gpu=name,driver_version', '--format=csv,noheader'], {}],
} as const;

// What pip freeze would see: the interpreter and the modification times of every
// directory on sys.path (installing or removing a package changes its directory's).
const FINGERPRINT = 'import json, os, sys; print(json.dumps([sys.version, sys.executable, [[p, os.stat(p).st_mtime_ns] for p in sys.path if os.path.isdir(p)]]))';

/** What the probe commands printed (null: missing, failed or timed out). */
type RawEnvironment = Record<keyof typeof PROBES, string | null>;

let cached: ManifestEnvironment | null = null;
let pending: Promise<ManifestEnvironment> | null = null;

/** Probes once per process: `sgr diff` builds two manifests on the same machine. */
export function collectEnvironment(): ManifestEnvironment {
  if (cached) return cached;
  const python = probe(...PROBES.python);
  const has = python !== null;
  cached = parseEnvironment({
    python,
    pip: has ? probe(...PROBES.pip) : null,
    torch: has ? probe(...PROBES.torch) : null,
    gpus: probe(...PROBES.gpus),
  });
  return cached;
}

/**
 * `collectEnvironment` without blocking the event loop, the probes in parallel. With a
 * `cacheDir`, the slow Python probes (pip freeze, importing torch: seconds) are reused
 * across processes while the interpreter and its sys.path directories are unchanged, so
 * that freezing the environment at every run start stays cheap.
 * @example const env = await collectEnvironmentAsync('/home/u/.sgr/manifests'); env.python // '3.12.3' or null
 */
export function collectEnvironmentAsync(cacheDir?: string): Promise<ManifestEnvironment> {
  // A long-lived process (serve mode, the app) must see a package installed after it started:
  // the in-process result is reused only briefly; the fingerprinted disk cache keeps re-probing cheap.
  if (pending && Date.now() - pendingAt < ASYNC_REUSE_MS) return pending;
  pendingAt = Date.now();
  pending = (async () => {
    const [py, gpus] = await Promise.all([pythonProbes(cacheDir), probeAsync(...PROBES.gpus)]);
    return parseEnvironment({ ...py, gpus });
  })();
  return pending;
}

const ASYNC_REUSE_MS = 10_000;
let pendingAt = 0;

type PythonRaw = Pick<RawEnvironment, 'python' | 'pip' | 'torch'>;

async function pythonProbes(cacheDir: string | undefined): Promise<PythonRaw> {
  const fingerprint = await probeAsync('python3', ['-c', FINGERPRINT]);
  if (fingerprint === null) return { python: null, pip: null, torch: null };
  const file = cacheDir === undefined ? null : join(cacheDir, 'python-environment.cache.json');
  if (file) {
    try {
      const hit = JSON.parse(await readFile(file, 'utf8')) as { fingerprint: string; raw: PythonRaw };
      if (hit.fingerprint === fingerprint) return hit.raw;
    } catch {
      // No cache yet, or a broken one: probe.
    }
  }
  const [python, pip, torch] = await Promise.all([probeAsync(...PROBES.python), probeAsync(...PROBES.pip), probeAsync(...PROBES.torch)]);
  const raw = { python, pip: python === null ? null : pip, torch: python === null ? null : torch };
  if (file) {
    try {
      await mkdir(cacheDir as string, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify({ fingerprint, raw }));
      await rename(tmp, file);
    } catch {
      // A read-only home only loses the cache.
    }
  }
  return raw;
}

function parseEnvironment(raw: RawEnvironment): ManifestEnvironment {
  const cpuList = cpus();
  const python = raw.python === null ? null : raw.python.trim().replace(/^Python\s+/, '') || null;
  let pip: ManifestEnvironment['pip'] = null;
  let torch: string | null = null;
  let cuda: string | null = null;
  if (raw.pip !== null) {
    const lines = raw.pip.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
    pip = { digest: sha256(lines.join('\n')), packages: lines.length };
  }
  if (raw.torch !== null) {
    try {
      const [tv, cv] = JSON.parse(raw.torch) as [unknown, unknown];
      torch = typeof tv === 'string' ? tv : null;
      cuda = typeof cv === 'string' ? cv : null;
    } catch {
      // An unexpected print from a sitecustomize hook: treat torch as unknown.
    }
  }
  const gpus = (raw.gpus ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => {
      const i = l.lastIndexOf(',');
      return i < 0 ? { name: l, driver: '' } : { name: l.slice(0, i).trim(), driver: l.slice(i + 1).trim() };
    });
  return {
    os: { platform: platform(), release: release(), arch: arch() },
    cpu: { model: cpuList[0]?.model.trim() ?? 'unknown', count: cpuList.length },
    memoryBytes: totalmem(),
    node: process.version,
    python,
    pip,
    torch,
    cuda,
    gpus,
  };
}
