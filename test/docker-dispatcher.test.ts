/**
 * The docker dispatcher against a real, private dockerd: the sandbox (limits, network,
 * read-only root), logs/events/outputs/exit code, cancel, timeout, preemption, re-attach
 * by a second dispatcher (exactly one container) and probe.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProtocolEvent } from '../kernel/dispatch/types';
import { requireDocker, sharedDockerd } from './services/dockerd';
import { containerEvents, containerRunning, dockerEnv, shellSpec, type DockerEnv } from './docker-support';

describe.runIf(requireDocker())('docker dispatcher', () => {
  let env: DockerEnv;
  beforeAll(async () => {
    env = await dockerEnv(await sharedDockerd());
  });
  afterAll(async () => {
    await env?.daemon.dispose();
  });

  it('applies the sandbox: limits, dropped capabilities, read-only root, no network, labels, uid', async () => {
    const d = env.dispatcher();
    const stage = join(env.home, 'stage.txt');
    writeFileSync(stage, 'staged\n');
    const spec = shellSpec(env, 'sleep 30', { resources: { cpus: 0.5, memoryMb: 64 }, stage: [stage] });
    await d.submit(spec);
    const running = await containerRunning(env.docker, spec.jobId);
    const info = await env.docker.getContainer(running.Id).inspect();
    const h = info.HostConfig;
    expect(info.Name).toBe(`/sgr-${spec.jobId}`);
    expect(h.NanoCpus).toBe(500_000_000);
    expect(h.Memory).toBe(64 * 1024 * 1024);
    expect(h.MemorySwap).toBe(64 * 1024 * 1024);
    expect(h.PidsLimit).toBe(4096);
    expect(h.CapDrop).toEqual(['ALL']);
    expect(h.SecurityOpt).toEqual(['no-new-privileges']);
    expect(h.ReadonlyRootfs).toBe(true);
    expect(h.NetworkMode).toBe('none');
    expect(info.Config.User).toBe(`${process.getuid!()}:${process.getgid!()}`);
    expect(info.Config.Labels).toMatchObject({ 'sgr.job': spec.jobId, 'sgr.run': spec.runId, 'sgr.step': 's', 'sgr.attempt': '1', 'sgr.target': 'box' });
    const mounts = Object.fromEntries(info.Mounts.map((m) => [m.Destination, m.RW]));
    expect(mounts).toMatchObject({ [spec.cwd]: true, [stage]: false, [join(env.ctx.jobsRoot, spec.jobId, 'io')]: true });
    await d.cancel(spec.jobId, 'cancel');
    const final = await d.wait(spec.jobId);
    expect(final).toMatchObject({ phase: 'exited', killedBy: 'cancel', exitCode: 143 });
    await d.close();
  });

  it('network: none without the net capability, the target network with it', async () => {
    const d = env.dispatcher({}, { network: 'host' });
    const ifaces = async (capabilities: string[]): Promise<string[]> => {
      const spec = shellSpec(env, "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '", { capabilities });
      await d.submit(spec);
      expect((await d.wait(spec.jobId)).exitCode).toBe(0);
      return (await d.readLog(spec.jobId, 'stdout', 0, 4096)).data.split('\n').filter(Boolean);
    };
    expect(await ifaces([])).toEqual(['lo']);
    expect((await ifaces(['net'])).filter((i) => i !== 'lo').length).toBeGreaterThan(0);
    await d.close();
  });

  it('root is read-only; the work dir and /tmp are writable', async () => {
    const d = env.dispatcher();
    const spec = shellSpec(env, 'touch /etc/x 2>/dev/null && echo root-writable; echo w > /tmp/t && echo tmp-ok; echo data > "$SGR_WORK_DIR/f.txt" && echo work-ok');
    await d.submit(spec);
    await d.wait(spec.jobId);
    expect((await d.readLog(spec.jobId, 'stdout', 0, 4096)).data).toBe('tmp-ok\nwork-ok\n');
    expect(readFileSync(join(spec.cwd, 'f.txt'), 'utf8')).toBe('data\n');
    await d.close();
  });

  it('streams logs and events live, collects outputs and the exit code, and removes the container', async () => {
    const d = env.dispatcher();
    const script = [
      'echo out-1; echo err-1 >&2',
      `echo '{"type":"metric","name":"loss","value":0.5,"step":1}' >> "$SGR_EVENTS_FILE"`,
      'echo result > model.txt',
      `echo '{"type":"artifact","name":"extra","path":"extra.txt"}' >> "$SGR_EVENTS_FILE"; echo x > extra.txt`,
      'echo out-2; exit 3',
    ].join('\n');
    const spec = shellSpec(env, script, { outputs: { model: 'model.txt', absent: 'nope.txt' } });
    const logs = { stdout: '', stderr: '' };
    const events: ProtocolEvent[] = [];
    await d.submit(spec, { onLog: (s, c) => (logs[s] += c), onEvent: (e) => events.push(e) });
    const final = await d.wait(spec.jobId);
    expect(final.phase).toBe('exited');
    expect(final.exitCode).toBe(3);
    expect(logs).toEqual({ stdout: 'out-1\nout-2\n', stderr: 'err-1\n' });
    expect(events[0]).toEqual({ type: 'metric', name: 'loss', value: 0.5, step: 1 });
    const result = await d.collect(spec.jobId);
    expect(result.exitCode).toBe(3);
    expect(result.files).toEqual({ model: join(spec.cwd, 'model.txt'), extra: join(spec.cwd, 'extra.txt') });
    expect(result.missing).toEqual(['absent']);
    expect(result.stderrTail).toBe('err-1\n');
    expect((await env.docker.listContainers({ all: true, filters: { label: [`sgr.job=${spec.jobId}`] } })).length).toBe(0);
    // After the container is gone, a new dispatcher still answers from the job dir.
    const later = env.dispatcher();
    expect(await later.status(spec.jobId)).toMatchObject({ phase: 'exited', exitCode: 3 });
    expect((await later.readLog(spec.jobId, 'stderr', 0, 100)).data).toBe('err-1\n');
    await Promise.all([d.close(), later.close()]);
  });

  it('timeout kills with killedBy timeout; preempt sends SIGTERM and the job exits 75 on its own', async () => {
    const d = env.dispatcher();
    const slow = shellSpec(env, 'sleep 30', { timeoutMs: 300 });
    await d.submit(slow);
    expect(await d.wait(slow.jobId)).toMatchObject({ phase: 'exited', killedBy: 'timeout' });
    const trainer = shellSpec(env, "trap 'echo checkpointed; exit 75' TERM; echo ready; while :; do sleep 0.1; done");
    const ready = new Promise<void>((resolve) => void d.submit(trainer, { onLog: (_s, c) => c.includes('ready') && resolve() }));
    await ready;
    await d.preempt(trainer.jobId, 10_000);
    const final = await d.wait(trainer.jobId);
    expect(final.exitCode).toBe(75);
    expect(final.killedBy).toBeUndefined();
    expect((await d.readLog(trainer.jobId, 'stdout', 0, 100)).data).toBe('ready\ncheckpointed\n');
    await d.close();
  });

  it('a second dispatcher re-attaches to the running container instead of creating another', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    const first = env.dispatcher();
    const spec = shellSpec(env, 'echo before; sleep 1.5; echo after; echo done > out.txt', { outputs: { out: 'out.txt' } });
    await first.submit(spec);
    await containerRunning(env.docker, spec.jobId);
    await first.close(); // the kernel goes away; the container keeps running
    const second = env.dispatcher();
    let seen = '';
    const status = await second.submit(spec, { onLog: (_s, c) => (seen += c) });
    expect(status.phase).toBe('running');
    const final = await second.wait(spec.jobId);
    expect(final.exitCode).toBe(0);
    expect((await second.readLog(spec.jobId, 'stdout', 0, 4096)).data).toBe('before\nafter\n');
    expect(seen).toBe('before\nafter\n');
    expect((await second.collect(spec.jobId)).files.out).toBe(join(spec.cwd, 'out.txt'));
    expect(await containerEvents(env.docker, spec.jobId, since)).toEqual({ create: 1, start: 1 });
    // Submitting again after the end does not run it again either.
    expect(await second.submit(spec)).toMatchObject({ phase: 'exited', exitCode: 0 });
    expect((await containerEvents(env.docker, spec.jobId, since)).create).toBe(1);
    await second.close();
  });

  it('refuses a job without an image naming the step and the target; probe reports the engine', async () => {
    const d = env.dispatcher({}, { image: undefined });
    await expect(d.submit(shellSpec(env, 'true'))).rejects.toThrow(/step "s" .*no container image.*docker target "box"/);
    const probe = await env.dispatcher().probe();
    expect(probe.ok).toBe(true);
    expect(probe.resources!.cpus).toBeGreaterThan(0);
    expect(probe.details.docker).toMatch(/^\d+\.\d+/);
    const down = await env.dispatcher({}, { socket: 'unix:///tmp/sgr-no-such.sock' }).probe();
    expect(down.ok).toBe(false);
    expect(down.error).toMatch(/docker target "box": cannot reach/);
    expect(existsSync(env.ctx.jobsRoot)).toBe(true);
  });

  it("builds one of SGR's own images on demand when the engine lacks it; any other missing image is a clear error", async () => {
    await env.docker.getImage(env.busybox).remove({ force: true });
    const warnings: string[] = [];
    const d = env.dispatcher();
    const spec = shellSpec(env, 'echo built-on-demand');
    await d.submit(spec, { onWarning: (w) => warnings.push(w) });
    const end = await d.wait(spec.jobId);
    expect(end).toMatchObject({ phase: 'exited', exitCode: 0 });
    expect(warnings.join('\n')).toContain(`image ${env.busybox} is not on docker target "box": building it`);
    expect((await env.docker.getImage(env.busybox).inspect()).Config.Labels?.['sgr.kind']).toBe('busybox');
    const other = env.dispatcher({}, { image: 'sgr-nothing:000000000000' });
    await expect(other.submit(shellSpec(env, 'true'))).rejects.toThrow(/image "sgr-nothing:000000000000" is not on docker target "box".*sgr images build/);
  });
});
