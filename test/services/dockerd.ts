/**
 * Test harness: a private, real Docker engine (`dockerd`) for integration tests.
 *
 * Each daemon lives under a short `/tmp/sgrd-XXXXXX` dir (exec-root paths end up in unix
 * socket names, which are limited to 108 bytes) with its own socket, data root and managed
 * containerd, so helpers running at once never share state and `/var/run/docker.sock` is
 * never touched. It runs with `--bridge=none --iptables=false`: several daemons on one host
 * would otherwise fight over `docker0` and the iptables chains, and no test needs NAT (jobs
 * that ask for the `net` capability get host networking through the target's `network`).
 *
 * @example
 * const d = await sharedDockerd();           // one per vitest worker, stopped on exit
 * const docker = new Docker({ socketPath: d.socket });
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';

export interface DockerdOptions {
  /** `--live-restore`: containers keep running while the daemon restarts. */
  liveRestore?: boolean;
}

export interface DockerdHandle {
  /** Path of the daemon's unix socket (dockerode `socketPath`; `unix://` + it for DOCKER_HOST). */
  socket: string;
  /** The daemon's private directory (data, exec, socket, pidfile, dockerd.log). */
  dir: string;
  /** Is the daemon process alive right now. */
  running(): boolean;
  /** SIGTERM and wait for exit (the daemon stops its containers unless live-restore). */
  stop(): Promise<void>;
  /** Starts the stopped (or killed) daemon again on the same dir and socket; resolves once it answers. */
  start(): Promise<void>;
  /** stop() then start(). */
  restart(): Promise<void>;
  /** SIGKILL, no cleanup by the daemon (containerd and shims keep running). */
  kill(): Promise<void>;
  /** Stop for good: remove the daemon's containers, stop it, delete its dir. */
  dispose(): Promise<void>;
}

const DOCKERD = '/usr/sbin/dockerd';

function dockerdBinary(): string | null {
  if (existsSync(DOCKERD)) return DOCKERD;
  const r = spawnSync('sh', ['-c', 'command -v dockerd'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null;
}

/** Is a real dockerd available (binary present and we are root, which dockerd needs). */
export function hasDocker(): boolean {
  return dockerdBinary() !== null && process.getuid?.() === 0;
}

/**
 * For `describe.runIf(requireDocker())`: under CI=true a missing dockerd is an error (real
 * services must run there); elsewhere the tests skip with a loud reason.
 */
export function requireDocker(): boolean {
  if (hasDocker()) return true;
  const why = dockerdBinary() === null ? 'dockerd is not installed (Debian package docker.io)' : 'dockerd needs root';
  if (process.env.CI === 'true') throw new Error(`docker tests cannot run under CI=true: ${why}`);
  console.warn(`\n*** SKIPPING docker tests: ${why} ***\n`);
  return false;
}

async function waitUntilAnswers(socket: string, child: ChildProcess, dir: string, timeoutMs = 60_000): Promise<void> {
  const docker = new Docker({ socketPath: socket });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`dockerd exited (${child.exitCode ?? child.signalCode}) before answering; log:\n${tail(join(dir, 'dockerd.log'))}`);
    }
    try {
      await docker.ping();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`dockerd did not answer on ${socket} within ${timeoutMs} ms; log:\n${tail(join(dir, 'dockerd.log'))}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '(no log)';
  }
}

/** dockerd leaves some mounts behind (the default netns when host networking was used): lazy-unmount them, deepest first. */
function unmountUnder(dir: string): void {
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .filter((m) => m.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) spawnSync('umount', ['-l', m]);
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}

/** Starts a fresh private dockerd; the caller disposes it. */
export async function startDockerd(opts: DockerdOptions = {}): Promise<DockerdHandle> {
  const bin = dockerdBinary();
  if (!bin) throw new Error('dockerd is not installed (Debian package docker.io)');
  const dir = mkdtempSync('/tmp/sgrd-');
  const socket = join(dir, 'docker.sock');
  const args = [
    '--data-root', join(dir, 'data'),
    '--exec-root', join(dir, 'exec'),
    '-H', `unix://${socket}`,
    '--pidfile', join(dir, 'docker.pid'),
    '--bridge=none',
    '--iptables=false',
    '--ip-masq=false',
    ...(opts.liveRestore ? ['--live-restore'] : []),
  ];
  let child: ChildProcess;
  const launch = async (): Promise<void> => {
    const log = openSync(join(dir, 'dockerd.log'), 'a');
    child = spawn(bin, args, { stdio: ['ignore', log, log] });
    closeSync(log);
    await waitUntilAnswers(socket, child, dir);
  };
  await launch();
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await exited(child);
  };
  const handle: DockerdHandle = {
    socket,
    dir,
    running: () => child.exitCode === null && child.signalCode === null,
    stop,
    start: async () => {
      if (!handle.running()) await launch();
    },
    restart: async () => {
      await stop();
      await launch();
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited(child);
    },
    dispose: async () => {
      if (!handle.running()) await launch().catch(() => undefined);
      if (handle.running()) {
        const docker = new Docker({ socketPath: socket });
        const all = await docker.listContainers({ all: true }).catch(() => []);
        await Promise.all(all.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
      }
      await stop();
      live.delete(handle);
      if (sharedHandle === handle) {
        shared = null;
        sharedHandle = null;
      }
      unmountUnder(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  live.add(handle);
  pids.set(handle, () => child.pid);
  return handle;
}

const live = new Set<DockerdHandle>();
const pids = new Map<DockerdHandle, () => number | undefined>();
// Last resort when a worker exits without afterAll (crash, timeout): no orphan daemons.
process.once('exit', () => {
  for (const h of live) {
    const pid = pids.get(h)?.();
    if (pid && h.running()) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
  }
});

let shared: Promise<DockerdHandle> | null = null;
let sharedHandle: DockerdHandle | null = null;

/**
 * One daemon per vitest worker process, started on first use. A test file may dispose it in
 * afterAll (the next caller then gets a fresh one); otherwise it is stopped when the worker exits.
 */
export function sharedDockerd(): Promise<DockerdHandle> {
  if (!shared) {
    shared = startDockerd().then((h) => (sharedHandle = h));
    shared.catch(() => (shared = null));
    process.once('beforeExit', () => {
      void shared?.then((h) => h.dispose());
    });
  }
  return shared;
}
