/**
 * JobSpec + docker target → the container's create options: the sandbox (D3, S9). Pure:
 * no I/O, so what the sandbox enforces can be read (and tested) in one place.
 */
import { createHash } from 'node:crypto';
import { isAbsolute, relative } from 'node:path';
import type { ContainerCreateOptions, MountSettings } from 'dockerode';
import { sgrJobEnv } from '../local/job-dir';
import type { JobSpec } from '../types';
import type { DockerTarget } from '../../targets/schema';
import type { DockerJobPaths } from './job-files';

/** Pids per container when neither the target nor the step says (stops a fork bomb). */
export const DEFAULT_PIDS = 4096;
/** Size of the writable /tmp (the root file system is read-only). */
export const TMP_SIZE = '256m';

/**
 * A container name for a job id: `sgr-<id>` with characters Docker refuses replaced by `_`
 * (plus a hash of the real id when anything was replaced, so two ids never share a name).
 * @example containerName('r1.train.1') // 'sgr-r1.train.1'
 */
export function containerName(jobId: string): string {
  const clean = jobId.replace(/[^A-Za-z0-9_.-]/g, '_');
  if (clean === jobId) return `sgr-${jobId}`;
  return `sgr-${clean}-${createHash('sha256').update(jobId).digest('hex').slice(0, 8)}`;
}

/** Labels put on every job container; `sgr.job` is how a restarted kernel finds it. */
export function jobLabels(spec: JobSpec, targetName: string, home: string): Record<string, string> {
  return {
    'sgr.job': spec.jobId,
    'sgr.run': spec.runId,
    'sgr.step': spec.stepId,
    'sgr.attempt': String(spec.attempt),
    'sgr.target': targetName,
    'sgr.home': home,
  };
}

/**
 * The image of a job: the step's, else the target's default.
 * @example imageFor({ ...spec, image: undefined }, 'box', { kind: 'docker', image: 'sgr-python:1' }) // 'sgr-python:1'
 */
export function imageFor(spec: JobSpec, targetName: string, target: DockerTarget): string {
  const image = spec.image ?? target.image;
  if (!image) {
    throw new Error(`step "${spec.stepId}" (job ${spec.jobId}) has no container image: set image: on the step or on docker target "${targetName}" in targets.yaml`);
  }
  return image;
}

function inside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Bind mounts at the same absolute paths as on this machine, so argv and env need no
 * rewriting: the work dir and the checkpoint dir read-write, the job's `io/` dir (events)
 * read-write, staged inputs and the target's extra mounts read-only. A path already under
 * a read-write mount is not mounted again (Docker refuses duplicate targets).
 */
export function jobMounts(spec: JobSpec, target: DockerTarget, paths: DockerJobPaths): MountSettings[] {
  const rw = [spec.cwd, paths.io, ...(spec.checkpointDir ? [spec.checkpointDir] : [])];
  const mounts: MountSettings[] = [];
  const add = (source: string, dest: string, readOnly: boolean): void => {
    if (!isAbsolute(source) || !isAbsolute(dest)) {
      throw new Error(`job ${spec.jobId}: mount ${source}:${dest} must use absolute paths`);
    }
    if (mounts.some((m) => m.Target === dest)) return;
    if (readOnly && rw.some((dir) => inside(dir, dest))) return;
    mounts.push({ Type: 'bind', Source: source, Target: dest, ReadOnly: readOnly });
  };
  for (const dir of rw) add(dir, dir, false);
  for (const path of spec.stage ?? []) add(path, path, true);
  for (const m of target.mounts ?? []) {
    const [source, dest] = m.split(':') as [string, string];
    add(source, dest, true);
  }
  return mounts;
}

/** The environment inside the container: nothing from the kernel's own environment leaks in. */
export function jobEnv(spec: JobSpec, paths: DockerJobPaths): string[] {
  const env: Record<string, string> = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    // The root file system is read-only and the uid may have no passwd entry.
    HOME: '/tmp',
    ...spec.env,
    // docker-init (tini) forwards SIGTERM to the job's whole process group, so `sh -c`
    // wrappers do not swallow the preemption warning.
    TINI_KILL_PROCESS_GROUP: '1',
    ...sgrJobEnv(spec, paths.events),
  };
  return Object.entries(env).map(([k, v]) => `${k}=${v}`);
}

export interface ContainerContext {
  targetName: string;
  target: DockerTarget;
  home: string;
  paths: DockerJobPaths;
  /** `uid:gid` the job runs as (the invoking user's, so its files belong to the user). */
  user: string;
}

/**
 * The full create options. What the sandbox enforces: all capabilities dropped,
 * no-new-privileges, read-only root with a tmpfs /tmp, network `none` unless the step has
 * the `net` capability, GPUs only with the `gpu` capability, cpu/memory (swap = memory,
 * so no swap)/pids limits, the invoking uid:gid, and docker-init as PID 1.
 * @example const opts = containerOptions(spec, { targetName: 'box', target, home, paths, user: '1000:1000' });
 */
export function containerOptions(spec: JobSpec, c: ContainerContext): ContainerCreateOptions {
  const { target } = c;
  const caps = spec.capabilities ?? [];
  const cpus = spec.resources?.cpus ?? target.cpus;
  const memoryMb = spec.resources?.memoryMb ?? target.memoryMb;
  const gpus = spec.resources?.gpus ?? 0;
  if (gpus > 0 && !caps.includes('gpu')) {
    throw new Error(`step "${spec.stepId}" asks for ${gpus} GPU(s) but lacks the gpu capability: add capabilities: [gpu] to the step`);
  }
  const memory = memoryMb !== undefined ? memoryMb * 1024 * 1024 : undefined;
  return {
    name: containerName(spec.jobId),
    Image: imageFor(spec, c.targetName, target),
    Entrypoint: spec.argv.slice(0, 1),
    Cmd: spec.argv.slice(1),
    Env: jobEnv(spec, c.paths),
    WorkingDir: spec.cwd,
    User: c.user,
    Labels: jobLabels(spec, c.targetName, c.home),
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    Tty: false,
    OpenStdin: false,
    StopSignal: 'SIGTERM',
    HostConfig: {
      Init: true,
      AutoRemove: false,
      RestartPolicy: { Name: 'no' },
      NetworkMode: caps.includes('net') ? (target.network ?? 'bridge') : 'none',
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      ReadonlyRootfs: true,
      Tmpfs: { '/tmp': `rw,nosuid,nodev,size=${TMP_SIZE}` },
      Mounts: jobMounts(spec, target, c.paths),
      PidsLimit: spec.resources?.pids ?? target.pids ?? DEFAULT_PIDS,
      ...(cpus !== undefined ? { NanoCpus: Math.round(cpus * 1e9) } : {}),
      ...(memory !== undefined ? { Memory: memory, MemorySwap: memory } : {}),
      ...(gpus > 0 ? { DeviceRequests: [{ Driver: 'nvidia', Count: gpus, Capabilities: [['gpu']] }] } : {}),
    },
  };
}
