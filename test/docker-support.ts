/** Shared setup of the docker dispatcher tests: a private dockerd, the busybox image, specs, event counts. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { ensureImage } from '../kernel/dispatch/docker/images';
import { DockerDispatcher, type DockerDispatcherOptions } from '../kernel/dispatch/docker';
import type { JobSpec } from '../kernel/dispatch/types';
import type { DispatcherContext } from '../kernel/targets/context';
import type { DockerTarget } from '../kernel/targets/schema';
import { tempDir } from './helpers';
import type { DockerdHandle } from './services/dockerd';

export interface DockerEnv {
  daemon: DockerdHandle;
  docker: Docker;
  busybox: string;
  home: string;
  target: DockerTarget;
  ctx: DispatcherContext;
  dispatcher(opts?: DockerDispatcherOptions, target?: Partial<DockerTarget>): DockerDispatcher;
}

/** A fresh SGR home whose docker target `box` points at `daemon`, with the busybox image loaded. */
export async function dockerEnv(daemon: DockerdHandle): Promise<DockerEnv> {
  const docker = new Docker({ socketPath: daemon.socket });
  const busybox = await ensureImage(docker, 'busybox');
  const home = tempDir('sgr-docker-');
  const target: DockerTarget = { kind: 'docker', socket: `unix://${daemon.socket}`, image: busybox };
  const ctx: DispatcherContext = {
    home,
    jobsRoot: join(home, 'jobs', 'box'),
    lookup: (name) => {
      throw new Error(`no target ${name}`);
    },
  };
  return {
    daemon,
    docker,
    busybox,
    home,
    target,
    ctx,
    dispatcher: (opts = {}, extra = {}) => new DockerDispatcher('box', { ...target, ...extra }, ctx, { pollMs: 50, graceMs: 1000, ...opts }),
  };
}

let seq = 0;
/** A job running `script` with busybox sh in a fresh work dir under the env's home. */
export function shellSpec(env: DockerEnv, script: string, extra: Partial<JobSpec> = {}): JobSpec {
  seq++;
  const runId = `r${Date.now().toString(36)}${seq}`;
  const cwd = join(env.home, 'work', runId, 's', 'a1');
  mkdirSync(cwd, { recursive: true });
  return {
    jobId: `${runId}.s.1`,
    runId,
    stepId: 's',
    attempt: 1,
    argv: ['/bin/sh', '-c', script],
    env: {},
    cwd,
    timeoutMs: 0,
    outputs: {},
    ...extra,
  };
}

/** How many containers the daemon created and started for one job since `sinceSec`, from its event log. */
export async function containerEvents(docker: Docker, jobId: string, sinceSec: number): Promise<{ create: number; start: number }> {
  const stream = (await docker.getEvents({
    since: sinceSec,
    // Fractional "now": the stream ends at once instead of waiting for the next second.
    until: (Date.now() / 1000).toFixed(3) as unknown as number,
    filters: { type: ['container'], event: ['create', 'start'], label: [`sgr.job=${jobId}`] },
  })) as unknown as NodeJS.ReadableStream;
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  const actions = text.split('\n').filter((l) => l.trim()).map((l) => (JSON.parse(l) as { Action: string }).Action);
  return { create: actions.filter((a) => a === 'create').length, start: actions.filter((a) => a === 'start').length };
}

/** Resolves once the job's container is running (polls the daemon). */
export async function containerRunning(docker: Docker, jobId: string, limitMs = 30_000): Promise<Docker.ContainerInfo> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const [c] = await docker.listContainers({ filters: { label: [`sgr.job=${jobId}`], status: ['running'] } });
    if (c) return c;
    if (Date.now() > deadline) throw new Error(`container of job ${jobId} did not start within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
