/** Pieces of SshShell.exec: collecting one exec channel, and a cap on open channels. */
import type { ClientChannel } from 'ssh2';
import { ConnectionLostError, type ExecResult } from '../remote/shell';

/**
 * Collects an exec channel's output and exit status; `describe` and `command` name it in errors.
 * A channel that closes without an exit status (the server side died) rejects with
 * ConnectionLostError: never success.
 */
export function collectExec(
  stream: ClientChannel,
  describe: string,
  command: string,
  opts: { stdin?: string; timeoutMs?: number },
  resolveP: (r: ExecResult) => void,
  reject: (err: Error) => void,
): void {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let exit: { code: number | null; signal?: string } | undefined;
  let timer: NodeJS.Timeout | undefined;
  if (opts.timeoutMs) {
    timer = setTimeout(() => {
      stream.close();
      reject(new Error(`${describe}: ${brief(command)} did not finish within ${opts.timeoutMs} ms`));
    }, opts.timeoutMs);
  }
  // A stream 'error' without a listener would crash the process; the channel is gone either way.
  stream.on('error', (e: Error) => reject(new ConnectionLostError(describe, `${brief(command)}: ${e.message}`)));
  stream.on('data', (d: Buffer) => out.push(d));
  stream.stderr.on('data', (d: Buffer) => err.push(d));
  stream.on('exit', (code: number | null, signal?: string) => {
    exit = code === null || code === undefined ? { code: null, signal: signal ?? 'unknown' } : { code };
  });
  stream.on('close', () => {
    clearTimeout(timer);
    // No exit status: the server side died (or the channel was torn down). Never success.
    if (!exit) return reject(new ConnectionLostError(describe, `connection closed before ${brief(command)} reported an exit status`));
    const r: ExecResult = { code: exit.code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
    if (exit.signal) r.signal = exit.signal;
    resolveP(r);
  });
  stream.end(opts.stdin ?? undefined);
}

/**
 * At most `max` channels at once (OpenSSH's MaxSessions defaults to 10 per connection).
 * @example const s = new Slots(8); await s.acquire(); try { … } finally { s.release(); }
 */
export class Slots {
  private used = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly max: number) {}

  async acquire(): Promise<void> {
    if (this.used < this.max) {
      this.used++;
      return;
    }
    await new Promise<void>((r) => this.waiting.push(r));
  }

  release(): void {
    const next = this.waiting.shift();
    // Hand the slot straight to the next waiter (the count stays the same).
    if (next) next();
    else this.used--;
  }
}

/** A command shortened for messages. */
export function brief(command: string): string {
  const one = command.replace(/\s+/g, ' ').trim();
  return JSON.stringify(one.length > 60 ? `${one.slice(0, 57)}...` : one);
}
