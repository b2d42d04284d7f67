/** Reaching a Docker engine: the target's socket, and retrying across a daemon restart. */
import Docker from 'dockerode';
import type { DockerTarget } from '../../targets/schema';

/**
 * A dockerode client for the target's `socket` (`unix:///path`, `tcp://host:port`), else
 * `$DOCKER_HOST`, else `/var/run/docker.sock`. Never connects by itself.
 * @example dockerClient({ kind: 'docker', socket: 'unix:///tmp/d/docker.sock' })
 */
export function dockerClient(target: DockerTarget, env: NodeJS.ProcessEnv = process.env): Docker {
  const where = target.socket ?? env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  if (where.startsWith('unix://')) return new Docker({ socketPath: where.slice('unix://'.length) });
  if (where.startsWith('/')) return new Docker({ socketPath: where });
  const m = /^tcp:\/\/([^:/]+)(?::(\d+))?\/?$/.exec(where);
  if (!m) throw new Error(`docker target socket ${JSON.stringify(where)}: expected unix:///path or tcp://host:port`);
  return new Docker({ host: m[1], port: Number(m[2] ?? 2375), protocol: 'http' });
}

/** The HTTP status of a dockerode error (404 no such container, 409 conflict), if any. */
export function httpStatus(err: unknown): number | undefined {
  const code = (err as { statusCode?: unknown }).statusCode;
  return typeof code === 'number' ? code : undefined;
}

/**
 * True for "the daemon is not there" (socket missing, refused, reset, hung up) as opposed
 * to an answer from the daemon: only these are worth retrying.
 */
export function isConnectionError(err: unknown): boolean {
  if (httpStatus(err) !== undefined) return httpStatus(err)! >= 500 && /restart|shutting down|starting/i.test(String(err));
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE' || code === 'ETIMEDOUT' || /socket hang up|aborted/i.test(String(err));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `fn`, retrying connection errors with exponential backoff (100 ms doubling to 2 s)
 * until `limitMs` has passed; other errors and the last connection error are thrown.
 * `onRetry` hears about each outage once, for a warning.
 * @example const info = await withReconnect(() => docker.info(), 60_000);
 */
export async function withReconnect<T>(fn: () => Promise<T>, limitMs: number, onRetry?: (err: Error) => void, stop?: () => boolean): Promise<T> {
  const deadline = Date.now() + limitMs;
  let delay = 100;
  let told = false;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (!isConnectionError(err) || Date.now() > deadline || stop?.()) throw err;
      if (!told) onRetry?.(err as Error);
      told = true;
      await sleep(delay);
      delay = Math.min(delay * 2, 2000);
    }
  }
}
