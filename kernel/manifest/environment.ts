/**
 * The machine a run ran on. Environment variables are never captured: they hold secrets.
 * Every probe tolerates absence (no python3, no pip, no torch, no nvidia-smi).
 */
import { arch, cpus, platform, release, totalmem } from 'node:os';
import type { ManifestEnvironment } from '../common/manifest';
import { probe, sha256 } from './probe';

const PIP_TIMEOUT_MS = 10_000;
// Importing torch takes seconds on a cold cache; CUDA initialisation is not needed for versions.
const TORCH_TIMEOUT_MS = 20_000;
const TORCH_PROBE = 'import json, torch; print(json.dumps([torch.__version__, torch.version.cuda]))';

let cached: ManifestEnvironment | null = null;

/** Probes once per process: `sgr diff` builds two manifests on the same machine. */
export function collectEnvironment(): ManifestEnvironment {
  cached ??= probeEnvironment();
  return cached;
}

function probeEnvironment(): ManifestEnvironment {
  const cpuList = cpus();
  const pyOut = probe('python3', ['--version']);
  const python = pyOut === null ? null : pyOut.trim().replace(/^Python\s+/, '') || null;
  let pip: ManifestEnvironment['pip'] = null;
  let torch: string | null = null;
  let cuda: string | null = null;
  if (python !== null) {
    const freeze = probe('python3', ['-m', 'pip', 'freeze'], { timeoutMs: PIP_TIMEOUT_MS });
    if (freeze !== null) {
      const lines = freeze.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
      pip = { digest: sha256(lines.join('\n')), packages: lines.length };
    }
    const t = probe('python3', ['-c', TORCH_PROBE], { timeoutMs: TORCH_TIMEOUT_MS });
    if (t !== null) {
      try {
        const [tv, cv] = JSON.parse(t) as [unknown, unknown];
        torch = typeof tv === 'string' ? tv : null;
        cuda = typeof cv === 'string' ? cv : null;
      } catch {
        // An unexpected print from a sitecustomize hook: treat torch as unknown.
      }
    }
  }
  const smi = probe('nvidia-smi', ['--query-gpu=name,driver_version', '--format=csv,noheader']);
  const gpus = (smi ?? '')
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
