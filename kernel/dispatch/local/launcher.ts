/**
 * Owns the long-lived bash launcher process (see launcher-script.ts): starts it lazily,
 * restarts it after it died, sends job directories, and parses its S/D/E lines.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { LAUNCHER_SCRIPT } from './launcher-script';

/** One line printed by a wrapper subshell. */
export type LauncherLine =
  | { kind: 'S'; pid: number; dir: string }
  | { kind: 'D'; dir: string }
  | { kind: 'E'; code: number; dir: string };

/**
 * Parses a launcher output line; undefined for anything else (bash diagnostics).
 * @example parseLauncherLine('E 3 /jobs/r.s.1') // { kind: 'E', code: 3, dir: '/jobs/r.s.1' }
 */
export function parseLauncherLine(line: string): LauncherLine | undefined {
  let m = /^S (\d+) (.+)$/.exec(line);
  if (m) return { kind: 'S', pid: Number(m[1]), dir: m[2]! };
  m = /^E (\d+) (.+)$/.exec(line);
  if (m) return { kind: 'E', code: Number(m[1]), dir: m[2]! };
  m = /^D (.+)$/.exec(line);
  if (m) return { kind: 'D', dir: m[1]! };
  return undefined;
}

interface Running {
  child: ChildProcess;
  ready: Promise<void>;
}

/**
 * @example
 * const l = new Launcher('bash', (line) => console.log(line), () => {});
 * await l.send('/home/u/.sgr/jobs/r.s.1');
 */
export class Launcher {
  private current: Running | undefined;
  private closed = false;
  /** Last bytes bash wrote to stderr, quoted in error messages. */
  private stderrTail = '';

  constructor(
    private readonly bashPath: string,
    private readonly onLine: (line: LauncherLine) => void,
    /** Called when a launcher process exits; lines already sent may not have been read. */
    private readonly onExit: (reason: string) => void,
  ) {}

  /** Hands a job directory to the launcher, starting (or restarting) it first if needed. */
  async send(dir: string): Promise<void> {
    if (this.closed) throw new Error('launcher is closed');
    if (dir.includes('\n')) throw new Error(`job directory ${JSON.stringify(dir)} contains a newline`);
    const running = (this.current ??= this.start());
    await running.ready;
    running.child.stdin!.write(`${dir}\n`);
  }

  /** Ends the launcher's input; running jobs are their own process groups and keep running. */
  close(): void {
    this.closed = true;
    const running = this.current;
    this.current = undefined;
    if (!running) return;
    running.child.stdin?.end();
    // Wrappers of running jobs still hold the pipes' write ends; drop our read ends so
    // this process can exit (a wrapper's late `E` then meets EPIPE, which it tolerates).
    running.child.stdout?.destroy();
    running.child.stderr?.destroy();
    running.child.unref();
  }

  private start(): Running {
    // A non-interactive bash sources $BASH_ENV first: user start-up code (set -e, output)
    // must not run inside the launcher. Jobs inherit this environment otherwise unchanged.
    const env = { ...process.env };
    delete env.BASH_ENV;
    const child = spawn(this.bashPath, ['-c', LAUNCHER_SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'], env });
    const name = JSON.stringify(this.bashPath);
    let isReady = false;
    let markReady = () => {};
    // Ready once the script passed its bash version check and printed `R`.
    const ready = new Promise<void>((resolve, reject) => {
      markReady = () => {
        isReady = true;
        resolve();
      };
      child.once('error', (err: NodeJS.ErrnoException) => {
        if (this.current?.child === child) this.current = undefined;
        const hint = err.code === 'ENOENT' ? ' — the local dispatcher needs bash (>= 4.2) on PATH' : '';
        reject(new Error(`cannot start the job launcher ${name}: ${err.message}${hint}`));
      });
      // 'close', not 'exit': by then bash's stderr has been read, so the message has the reason.
      child.once('close', (code) => {
        if (!isReady) reject(new Error(`the job launcher ${name} exited (code ${code}) before it was ready: ${this.stderrTail.trim()}`));
      });
    });
    // Without a handler, a write after the launcher died (EPIPE) would crash the kernel.
    child.stdin!.on('error', () => {});
    let buffered = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const parsed = parseLauncherLine(line);
        if (parsed) this.onLine(parsed);
        else if (line.startsWith('R ')) markReady();
      }
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-2000);
    });
    child.once('exit', (code, signal) => {
      if (this.current?.child === child) this.current = undefined;
      if (this.closed || !isReady) return;
      const stderr = this.stderrTail.trim();
      this.onExit(`job launcher exited (code ${code}, signal ${signal})${stderr ? `: ${stderr}` : ''}`);
    });
    return { child, ready };
  }
}
