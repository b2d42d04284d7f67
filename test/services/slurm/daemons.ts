/**
 * Foreground daemons for the test cluster: spawned with their output in a log file, stopped
 * in reverse start order, and killed when the test process exits however it exits, so a
 * crashed test run never leaves a slurmd behind to block the next one.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export interface Daemon {
  name: string;
  child: ChildProcess;
  log: string;
  exited: boolean;
}

const running = new Set<Daemon>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const d of running) if (!d.exited) d.child.kill('SIGKILL');
  });
}

/** Starts `argv` in the foreground with stdout+stderr into `<logDir>/<name>.out`. */
export function startDaemon(name: string, argv: string[], env: NodeJS.ProcessEnv, logDir: string): Daemon {
  installExitHook();
  const log = join(logDir, `${name}.out`);
  const fd = openSync(log, 'a');
  const child = spawn(argv[0]!, argv.slice(1), { env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const daemon: Daemon = { name, child, log, exited: false };
  child.on('exit', () => {
    daemon.exited = true;
    running.delete(daemon);
  });
  child.on('error', () => (daemon.exited = true));
  running.add(daemon);
  return daemon;
}

export function logTail(d: Daemon, chars = 2000): string {
  try {
    return readFileSync(d.log, 'utf8').slice(-chars);
  } catch {
    return '(no log)';
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
export async function stopDaemon(d: Daemon, graceMs = 5000): Promise<void> {
  if (d.exited) return;
  const gone = new Promise<void>((resolve) => d.child.once('exit', () => resolve()));
  d.child.kill('SIGTERM');
  const timer = setTimeout(() => d.child.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
}

/** Polls `check` until it returns a value; fails naming what was awaited and the daemon's log. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, daemon?: Daemon): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    if (daemon?.exited) throw new Error(`slurm harness: ${daemon.name} exited while waiting for ${what}:\n${logTail(daemon)}`);
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > deadline) {
      const log = daemon ? `\n${daemon.name} log:\n${logTail(daemon)}` : '';
      throw new Error(`slurm harness: timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last})` : ''}${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Runs a command; resolves with stdout, rejects with its stderr. */
export async function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<string> {
  const { stdout } = await execFileP(cmd, args, { env, timeout: timeoutMs, encoding: 'utf8' });
  return stdout;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
