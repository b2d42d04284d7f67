/**
 * Liveness and signalling of job process groups. A pid alone is not an identity (pids are
 * reused), so on Linux a pid only counts as our job while /proc/<pid>/stat still shows the
 * start time recorded in the job's `pid` file.
 */
import { readFile } from 'node:fs/promises';

/**
 * Field 22 (starttime) and field 3 (state) of /proc/<pid>/stat, or undefined if the
 * process does not exist. The command name (field 2) may contain spaces and ')', so
 * fields are counted from the last ')'.
 * @example await procStat(process.pid) // { state: 'R', startTime: '123456' }
 */
export async function procStat(pid: number): Promise<{ state: string; startTime: string } | undefined> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const startTime = fields[19];
  return state && startTime ? { state, startTime } : undefined;
}

let procAvailable: boolean | undefined;

async function hasProc(): Promise<boolean> {
  procAvailable ??= (await procStat(process.pid)) !== undefined;
  return procAvailable;
}

/**
 * True while the process recorded in a job's `pid` file is alive. A zombie counts as dead:
 * it has exited, only its parent has not reaped it yet.
 * @example await isJobProcessAlive(1234, '98765') // false once 1234 exited or was reused
 */
export async function isJobProcessAlive(pid: number, startTime: string): Promise<boolean> {
  if (await hasProc()) {
    const stat = await procStat(pid);
    if (!stat || stat.state === 'Z' || stat.state === 'X') return false;
    return startTime === '0' || stat.startTime === startTime;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Sends a signal to the job's whole process group (the wrapper is the group leader).
 * Returns false if the group no longer exists.
 * @example signalGroup(1234, 'SIGTERM')
 */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  if (!(pgid > 1)) return false; // never signal -0 / -1: that would hit our own group or everyone
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/**
 * SIGTERM to a process group now, SIGKILL after the grace period (to the group, not just
 * the leader: a grandchild that ignores SIGTERM must not outlive its job).
 * @example const killer = new GroupKiller(5000); killer.kill(pgid, console.warn);
 */
export class GroupKiller {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly graceMs: number) {}

  kill(pgid: number, onError: (message: string) => void): void {
    const send = (signal: NodeJS.Signals) => {
      try {
        signalGroup(pgid, signal);
      } catch (err) {
        onError(`${signal} to process group ${pgid} failed: ${(err as Error).message}`);
      }
    };
    send('SIGTERM');
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      send('SIGKILL');
    }, this.graceMs);
    this.timers.add(timer);
  }

  /** Forgets pending SIGKILLs (the dispatcher is closing). */
  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
