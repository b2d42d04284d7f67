/** `probe()` of an ssh target: connect, then CPUs, memory and GPUs (nvidia-smi where present) in one exec. */
import type { TargetProbe, TargetResources } from '../types';
import type { SshShell } from './shell';

const PROBE_SCRIPT = `echo "cpus=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)"
awk '/^MemTotal:/ { print "memkb=" $2 }' /proc/meminfo 2>/dev/null
echo "kernel=$(uname -sr)"
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=index,name,memory.total --format=csv,noheader 2>/dev/null | sed 's/^/gpu=/'
fi`;

/**
 * Parses the probe script's output.
 * @example parseProbe('cpus=8\nmemkb=16384000\ngpu=0, NVIDIA A100, 40960 MiB\n').gpus[0].model // 'NVIDIA A100'
 */
export function parseProbe(stdout: string): TargetResources & { kernel?: string } {
  const res: TargetResources & { kernel?: string } = { cpus: 0, memoryMb: 0, gpus: [] };
  for (const line of stdout.split('\n')) {
    const [key, ...rest] = line.split('=');
    const value = rest.join('=').trim();
    if (key === 'cpus') res.cpus = Number(value) || 0;
    else if (key === 'memkb') res.memoryMb = Math.round(Number(value) / 1024) || 0;
    else if (key === 'kernel') res.kernel = value;
    else if (key === 'gpu') {
      const [index, model, mem] = value.split(',').map((s) => s.trim());
      res.gpus.push({ index: Number(index), model: model ?? 'unknown', memoryMb: Number.parseInt(mem ?? '0', 10) || 0 });
    }
  }
  return res;
}

/**
 * Never throws: a failure is `ok: false` with the reason naming the target.
 * @example (await probeHost('gpu1', shell, root)).details.server // 'OpenSSH_9.2p1 Debian-2+deb12u3'
 */
export async function probeHost(name: string, shell: SshShell, root: () => Promise<string>): Promise<TargetProbe> {
  const t0 = Date.now();
  try {
    const { serverVersion } = await shell.connect();
    const r = await shell.exec(PROBE_SCRIPT, { timeoutMs: 30_000 });
    if (r.code !== 0) throw new Error(`probe script failed (exit ${r.code}): ${r.stderr.trim()}`);
    const { kernel, ...resources } = parseProbe(r.stdout);
    const details: Record<string, string> = { server: serverVersion, address: shell.describe, root: await root() };
    if (kernel) details.kernel = kernel;
    return { ok: true, latencyMs: Date.now() - t0, resources, details };
  } catch (err) {
    return { ok: false, latencyMs: Date.now() - t0, details: { address: shell.describe }, error: named(name, (err as Error).message) };
  }
}

/** Prefixes the target's name unless the message already starts with it (connect errors do). */
function named(name: string, message: string): string {
  return message.startsWith(`target "${name}"`) ? message : `target "${name}": ${message}`;
}
