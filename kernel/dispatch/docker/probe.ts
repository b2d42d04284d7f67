/** `sgr targets check` for a docker target: version and capacity of the engine. */
import type Docker from 'dockerode';
import type { TargetProbe } from '../types';
import type { DockerTarget } from '../../targets/schema';

/**
 * Never throws: an unreachable daemon is `ok: false` with the reason. GPUs are the
 * target's declared ones when the engine has the nvidia runtime (Docker cannot list them).
 * @example const p = await probeDocker(docker, 'box', target); p.resources?.cpus // 2
 */
export async function probeDocker(docker: Docker, name: string, target: DockerTarget): Promise<TargetProbe> {
  const t0 = Date.now();
  try {
    const [version, info] = await Promise.all([docker.version(), docker.info()]);
    const runtimes = Object.keys((info as { Runtimes?: Record<string, unknown> }).Runtimes ?? {});
    const nvidia = runtimes.includes('nvidia');
    const gpus = nvidia ? (target.resources?.gpus ?? []).map((g, index) => ({ index, model: g.model, memoryMb: g.memoryMb ?? 0 })) : [];
    return {
      ok: true,
      latencyMs: Date.now() - t0,
      resources: { cpus: Number(info.NCPU), memoryMb: Math.round(Number(info.MemTotal) / 2 ** 20), gpus },
      details: {
        docker: String(version.Version),
        api: String(version.ApiVersion),
        os: String(info.OperatingSystem),
        kernel: String(info.KernelVersion),
        storage: String(info.Driver),
        cgroup: `${String(info.CgroupDriver)} v${String((info as { CgroupVersion?: string }).CgroupVersion ?? '?')}`,
        runtimes: runtimes.join(', '),
        liveRestore: String((info as { LiveRestoreEnabled?: boolean }).LiveRestoreEnabled === true),
      },
    };
  } catch (err) {
    return {
      ok: false,
      latencyMs: Date.now() - t0,
      details: {},
      error: `docker target "${name}": cannot reach the engine at ${target.socket ?? process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock'}: ${(err as Error).message}`,
    };
  }
}
