/**
 * Dispatch latency per target (D1–D5): for N trivial jobs (`true`) in a row, the time
 * from submit to the job running, and from submit to the kernel knowing it ended, on the
 * local, docker, ssh and slurm targets — each next to the plain tool doing the same job
 * in the same run (spawn, `docker run`, `ssh host true`, `sbatch --wait` over ssh). The
 * services are the test harness's real ones (test/services).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { DockerDispatcher } from '../kernel/dispatch/docker';
import { ensureImage } from '../kernel/dispatch/docker/images';
import { LocalDispatcher } from '../kernel/dispatch/local';
import { SlurmDispatcher } from '../kernel/dispatch/slurm';
import { SshDispatcher } from '../kernel/dispatch/ssh';
import type { Dispatcher, JobSpec } from '../kernel/dispatch/types';
import type { DispatcherContext } from '../kernel/targets/context';
import { dockerTargetSchema, type TargetConfig } from '../kernel/targets/schema';
import { startDockerd } from '../test/services/dockerd';
import { slurmOverSsh } from '../test/services/slurm/fixture';
import { startSshd } from '../test/services/sshd';
import { median, seconds, type BenchResult } from './types';

const run = promisify(execFile);

interface Measured {
  running: number[];
  done: number[];
}

/** N jobs in a row through one dispatcher: submit → running, submit → exit known. */
async function measure(d: Dispatcher, home: string, prefix: string, n: number, log: (l: string) => void): Promise<Measured> {
  const m: Measured = { running: [], done: [] };
  for (let i = 0; i <= n; i++) {
    const jobId = `${prefix}.true.${i + 1}`;
    const cwd = join(home, 'work', jobId);
    mkdirSync(cwd, { recursive: true });
    const spec: JobSpec = { jobId, runId: prefix, stepId: 'true', attempt: i + 1, argv: ['/bin/sh', '-c', 'true'], env: {}, cwd, timeoutMs: 0, outputs: {} };
    const t = process.hrtime.bigint();
    let status = await d.submit(spec);
    while (status.phase === 'queued' || status.phase === 'unknown') {
      await new Promise((r) => setTimeout(r, 10));
      status = await d.status(jobId);
    }
    const running = seconds(t);
    const end = await d.wait(jobId);
    const done = seconds(t);
    if (end.phase !== 'exited' || end.exitCode !== 0) throw new Error(`${prefix}: job ${jobId} ended ${end.phase} (exit ${end.exitCode})`);
    // The first job warms connections and caches: measured, not counted.
    if (i === 0) continue;
    m.running.push(running);
    m.done.push(done);
  }
  log(`  ${prefix}: running after ${(median(m.running) * 1e3).toFixed(1)} ms, end known after ${(median(m.done) * 1e3).toFixed(1)} ms (median of ${n})`);
  return m;
}

/** The same trivial job through the plain tool, N times. */
async function peer(n: number, once: () => Promise<unknown>): Promise<number[]> {
  await once();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await once();
    times.push(seconds(t));
  }
  return times;
}

function spawnTrue(): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn('/bin/sh', ['-c', 'true'], { stdio: 'ignore' });
    c.once('error', reject);
    c.once('exit', () => resolve());
  });
}

function context(home: string, name: string, lookup: (n: string) => TargetConfig = (n) => {
  throw new Error(`no target ${n}`);
}): DispatcherContext {
  return { home, jobsRoot: join(home, 'jobs', name), lookup };
}

export async function benchDispatch(opts: { workDir: string; jobs?: number; log?: (l: string) => void }): Promise<BenchResult> {
  const n = opts.jobs ?? 20;
  const log = opts.log ?? (() => undefined);
  const home = realpathSync(mkdtempSync(join(opts.workDir, 'dispatch-')));
  const rows: BenchResult['rows'] = [];
  const ratios: BenchResult['ratios'] = [];
  const add = (target: string, m: Measured, peerLabel: string, p: number[]): void => {
    const done = median(m.done);
    const peerT = median(p);
    rows.push(
      { label: `${target}: submit → running`, seconds: median(m.running), note: `median of ${n}` },
      { label: `${target}: submit → end detected`, seconds: done, note: `median of ${n}; the job is \`true\`` },
      { label: `${target} peer: ${peerLabel}`, seconds: peerT, note: `median of ${n}` },
    );
    ratios.push({ label: `${target}: sgr job / ${peerLabel}`, value: done / peerT });
  };
  const cleanups: Array<() => Promise<void>> = [];
  try {
    const local = new LocalDispatcher({ root: join(home, 'jobs', 'local') });
    cleanups.push(() => local.close());
    add('local', await measure(local, home, 'local', n, log), 'spawn sh -c true', await peer(n, spawnTrue));

    log('  starting dockerd…');
    const dockerd = await startDockerd();
    cleanups.push(() => dockerd.dispose());
    const image = await ensureImage(new Docker({ socketPath: dockerd.socket }), 'busybox', (l) => log(`  ${l}`));
    const docker = new DockerDispatcher('box', dockerTargetSchema.parse({ kind: 'docker', socket: `unix://${dockerd.socket}`, image }), context(home, 'box'));
    cleanups.push(() => docker.close());
    const dockerCli = ['-H', `unix://${dockerd.socket}`, 'run', '--rm', '--network', 'none', image, '/bin/sh', '-c', 'true'];
    add('docker', await measure(docker, home, 'docker', n, log), 'docker run --rm', await peer(n, () => run('docker', dockerCli)));

    log('  starting sshd…');
    const sshd = await startSshd();
    cleanups.push(() => sshd.stop());
    const ssh = new SshDispatcher('gpu', sshd.target({ root: join(home, 'remote') }), context(home, 'gpu'));
    cleanups.push(() => ssh.close());
    const sshArgs = (cmd: string[]): string[] => [
      '-i', sshd.keyPath, '-p', String(sshd.port), '-o', `UserKnownHostsFile=${sshd.knownHostsPath}`,
      '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', `${sshd.user}@${sshd.host}`, ...cmd,
    ];
    add('ssh', await measure(ssh, home, 'ssh', n, log), 'ssh host true (new connection)', await peer(n, () => run('ssh', sshArgs(['true']))));

    log('  starting slurm (munge, mariadb, slurmdbd, slurmctld, slurmd)…');
    const cluster = await slurmOverSsh();
    cleanups.push(async () => {
      await cluster.stop();
      await cluster.slurm.stop();
    });
    const slurm = new SlurmDispatcher('cluster', cluster.target(), cluster.context(home));
    cleanups.push(() => slurm.close());
    const sbatch = (): Promise<unknown> =>
      run('ssh', [
        '-i', cluster.sshd.keyPath, '-p', String(cluster.sshd.port), '-o', `UserKnownHostsFile=${cluster.sshd.knownHostsPath}`,
        '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', `${cluster.sshd.user}@${cluster.sshd.host}`,
        'sbatch', '--wait', '--quiet', '-p', cluster.slurm.partition, '-o', '/dev/null', '--wrap', 'true',
      ]);
    const slurmN = Math.max(3, Math.floor(n / 4));
    const m = await measure(slurm, home, 'slurm', slurmN, log);
    const p = await peer(slurmN, sbatch);
    rows.push(
      { label: 'slurm: submit → running', seconds: median(m.running), note: `median of ${slurmN}` },
      { label: 'slurm: submit → end detected', seconds: median(m.done), note: `median of ${slurmN}; sacct/squeue polling` },
      { label: 'slurm peer: ssh host sbatch --wait --wrap true', seconds: median(p), note: `median of ${slurmN}` },
    );
    ratios.push({ label: 'slurm: sgr job / sbatch --wait over ssh', value: median(m.done) / median(p) });
  } finally {
    for (const c of cleanups.reverse()) await c().catch((err: Error) => log(`  cleanup: ${err.message}`));
    rmSync(home, { recursive: true, force: true });
  }
  return {
    name: 'Dispatch latency per target',
    command: 'npm run bench -- dispatch',
    rows,
    ratios,
    notes: [
      'Every service is real and on this machine (private dockerd, sshd on 127.0.0.1, single-node Slurm with slurmdbd); the peers do the same trivial job with the plain tool in the same run.',
      'sgr does more per job than its peer: a durable job directory, detached start (survives the app and the connection), logs/events mirrored, exit recorded, outputs collected.',
      "On ssh and slurm, submit returns once the job's pid (or Slurm id and start) is recorded; a `true` job has ended by the first look, so running and end detected coincide. An ssh job costs about five remote commands over one kept connection (job dir, uploads, start, state polls), the peer one command on a fresh connection.",
    ],
  };
}
