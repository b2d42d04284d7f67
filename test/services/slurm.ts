/**
 * A real single-node Slurm cluster for tests (D5): munged, mariadbd, slurmdbd, slurmctld and
 * slurmd, all in the foreground with private ports and directories under a temp dir.
 * Clients reach it through `env` (SLURM_CONF); over SSH, jobs need the same SLURM_CONF —
 * `conf` is readable by the sshd's users as well.
 *
 * Startup takes ~10–20 s, so the cluster is one per test process (a lazy singleton), and
 * one per machine: the lock in slurm/lock.ts makes a second test process wait.
 *
 * @example
 * const slurm = await startSlurm();
 * execFileSync('sbatch', ['--wrap', 'hostname'], { env: slurm.env });
 * // afterAll: await slurm.stop();  (or leave it: the process exit kills the daemons)
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync, chmodSync, rmSync, existsSync } from 'node:fs';
import { cpus, hostname, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { slurmConf, slurmdbdConf, gresConf, type ClusterLayout } from './slurm/config';
import { freePort, run, startDaemon, stopDaemon, waitFor, logTail, type Daemon } from './slurm/daemons';
import { acquireClusterLock, recordDaemon, releaseClusterLock } from './slurm/lock';

export interface SlurmCluster {
  /** Path of slurm.conf (SLURM_CONF for every client). */
  conf: string;
  /** process.env plus SLURM_CONF: pass to sbatch/squeue/sacct/scancel. */
  env: NodeJS.ProcessEnv;
  partition: string;
  /** An account the root user belongs to (`--account`). */
  account: string;
  cluster: string;
  /** The cluster's temp dir (configs, state, logs). */
  dir: string;
  /** The node's name (this machine's host name). */
  node: string;
  /** Fake GPUs configured on the node (gres without devices). */
  gpus: number;
  /** Milliseconds from startSlurm() to the node being idle. */
  startupMs: number;
  /** Cancels all jobs, stops the daemons, removes the temp dir and frees the machine lock. */
  stop(): Promise<void>;
}

/** Tests that call startSlurm() need a hook timeout this long (another process may hold the cluster). */
export const SLURM_START_TIMEOUT_MS = 15 * 60_000;

const DB_PASS = 'sgr-test';
let shared: Promise<SlurmCluster> | undefined;

/** The process-wide cluster (started on first use). */
export function startSlurm(): Promise<SlurmCluster> {
  shared ??= boot().catch((err: Error) => {
    shared = undefined;
    throw err;
  });
  return shared;
}

async function boot(): Promise<SlurmCluster> {
  await acquireClusterLock(SLURM_START_TIMEOUT_MS - 60_000);
  const t0 = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'sgr-slurm-'));
  chmodSync(dir, 0o755);
  for (const sub of ['state', 'spool', 'log', 'munge', 'db', 'run']) mkdirSync(join(dir, sub), { recursive: true });
  const layout: ClusterLayout = {
    dir,
    cluster: 'sgrtest',
    host: hostname().split('.')[0]!,
    cpus: cpus().length,
    memoryMb: Math.floor((totalmem() / 2 ** 20) * 0.8),
    gpus: 2,
    ports: { ctld: await freePort(), slurmd: await freePort(), dbd: await freePort(), mysql: await freePort() },
    mungeSocket: join(dir, 'munge', 'munge.socket'),
    partition: 'debug',
  };
  const conf = join(dir, 'slurm.conf');
  writeFileSync(conf, slurmConf(layout));
  writeFileSync(join(dir, 'gres.conf'), gresConf(layout));
  mkdirSync(join(dir, 'dev'));
  for (let i = 0; i < layout.gpus; i++) symlinkSync('/dev/null', join(dir, 'dev', `fakegpu${i}`));
  // slurmdbd refuses a config others can read (it holds the database password).
  writeFileSync(join(dir, 'slurmdbd.conf'), slurmdbdConf(layout, DB_PASS), { mode: 0o600 });
  const env: NodeJS.ProcessEnv = { ...process.env, SLURM_CONF: conf };
  const daemons: Daemon[] = [];
  const start = (name: string, argv: string[]): Daemon => {
    const d = startDaemon(name, argv, env, join(dir, 'log'));
    recordDaemon(d.child.pid);
    daemons.push(d);
    return d;
  };
  const stop = async (): Promise<void> => {
    try {
      await run('scancel', ['--full', '--signal=KILL', '--user=root'], env).catch(() => '');
      await waitFor('the queue to drain', async () => ((await run('squeue', ['-h', '-t', 'PD,R,CG,S,CF'], env)).trim() === '' ? true : undefined), 20_000).catch(() => undefined);
    } finally {
      for (const d of daemons.reverse()) await stopDaemon(d);
      if (shared) shared = undefined;
      rmSync(dir, { recursive: true, force: true });
      releaseClusterLock();
    }
  };
  try {
    // munge: every Slurm message is signed with this key.
    const key = join(dir, 'munge', 'munge.key');
    writeFileSync(key, randomBytes(1024), { mode: 0o400 });
    const munge = start('munged', [
      '/usr/sbin/munged', '-F', '--force', `--key-file=${key}`, `--socket=${layout.mungeSocket}`,
      `--pid-file=${join(dir, 'munge', 'munged.pid')}`, `--log-file=${join(dir, 'log', 'munged.log')}`,
      `--seed-file=${join(dir, 'munge', 'munged.seed')}`,
    ]);
    await waitFor('the munge socket', async () => (existsSync(layout.mungeSocket) ? true : undefined), 10_000, munge);

    const mysql = await startMariadb(layout, start);
    await waitFor('mariadb to accept connections', async () => {
      await run('mariadb', ['--no-defaults', '-h', '127.0.0.1', '-P', String(layout.ports.mysql), '-u', 'slurm', `-p${DB_PASS}`, '-e', 'select 1'], env, 5000);
      return true;
    }, 60_000, mysql);

    const dbd = start('slurmdbd', ['/usr/sbin/slurmdbd', '-D']);
    // The cluster must exist in the database before slurmctld registers, or sacct stays empty.
    await waitFor('slurmdbd (sacctmgr add cluster)', async () => {
      await run('sacctmgr', ['-i', 'add', 'cluster', layout.cluster], env, 10_000);
      return true;
    }, 60_000, dbd);
    await run('sacctmgr', ['-i', 'add', 'account', 'sgr', `Cluster=${layout.cluster}`], env);
    await run('sacctmgr', ['-i', 'add', 'user', 'root', 'Account=sgr', `Cluster=${layout.cluster}`], env);

    const ctld = start('slurmctld', ['/usr/sbin/slurmctld', '-D', '-c', '-i', '-f', conf]);
    await waitFor('slurmctld to answer', async () => {
      await run('scontrol', ['ping'], env, 5000);
      return true;
    }, 60_000, ctld);
    const slurmd = start('slurmd', ['/usr/sbin/slurmd', '-D', '-f', conf, '-N', layout.host]);
    await waitFor(`node ${layout.host} to be idle`, async () => {
      const state = (await run('sinfo', ['-h', '-N', '-o', '%T'], env, 5000)).trim();
      if (/drain|down|fail/.test(state)) await run('scontrol', ['update', `NodeName=${layout.host}`, 'State=RESUME'], env).catch(() => '');
      return state === 'idle' ? true : undefined;
    }, 90_000, slurmd);
    return {
      conf,
      env,
      partition: layout.partition,
      account: 'sgr',
      cluster: layout.cluster,
      dir,
      node: layout.host,
      gpus: layout.gpus,
      startupMs: Date.now() - t0,
      stop,
    };
  } catch (err) {
    const logs = daemons.map((d) => `--- ${d.name}\n${logTail(d, 1500)}`).join('\n');
    await stop();
    throw new Error(`${(err as Error).message}\n${logs}`);
  }
}

/** A private mariadbd with a fresh data directory and a `slurm` user for slurmdbd. */
async function startMariadb(layout: ClusterLayout, start: (name: string, argv: string[]) => Daemon): Promise<Daemon> {
  const data = join(layout.dir, 'db', 'data');
  await run('mariadb-install-db', ['--no-defaults', `--datadir=${data}`, '--user=root', '--auth-root-authentication-method=normal', '--skip-test-db'], process.env, 120_000);
  const init = join(layout.dir, 'db', 'init.sql');
  writeFileSync(init, `CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY '${DB_PASS}';\nGRANT ALL ON *.* TO 'slurm'@'127.0.0.1';\n`);
  return start('mariadbd', [
    '/usr/sbin/mariadbd', '--no-defaults', '--user=root', `--datadir=${data}`, `--port=${layout.ports.mysql}`,
    '--bind-address=127.0.0.1', '--skip-name-resolve', `--socket=${join(layout.dir, 'db', 'mysql.sock')}`,
    `--pid-file=${join(layout.dir, 'db', 'mariadbd.pid')}`, `--init-file=${init}`,
    // Small and fast: the accounting database is tiny and thrown away after the tests.
    '--innodb-buffer-pool-size=32M', '--innodb-log-file-size=8M', '--innodb-flush-log-at-trx-commit=0', '--skip-log-bin',
  ]);
}
