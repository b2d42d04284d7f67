/**
 * The machine a run ran on. Environment variables are never captured: they hold secrets.
 * Every probe tolerates absence (no python3, no pip, no torch, no nvidia-smi).
 */
import { arch, cpus, platform, release, totalmem } from 'node:os';
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
 * `collectEnvironment` without blocking the event loop, the probes in parallel.
 * @example const env = await collectEnvironmentAsync(); env.python // '3.12.3' or null
 */
export function collectEnvironmentAsync(): Promise<ManifestEnvironment> {
  if (cached) return Promise.resolve(cached);
  pending ??= (async () => {
    const [python, pip, torch, gpus] = await Promise.all([
      probeAsync(...PROBES.python), probeAsync(...PROBES.pip), probeAsync(...PROBES.torch), probeAsync(...PROBES.gpus),
    ]);
    const has = python !== null;
    cached ??= parseEnvironment({ python, pip: has ? pip : null, torch: has ? torch : null, gpus });
    return cached;
  })();
  return pending;
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
