/**
 * The local mirror of a remote job directory (`$SGR_HOME/jobs/<target>/<jobId>/`): logs and
 * events are appended from the last byte the mirror holds, so after a dropped connection
 * or a restarted kernel every line arrives exactly once, and readLog, the live tail and
 * collect work on local files exactly as for a local job.
 */
import { appendFile, mkdir, stat, utimes, writeFile } from 'node:fs/promises';
import type { JobPaths } from '../local/job-dir';
import type { RemoteJobLayout } from './layout';
import type { RemoteShell } from './shell';
import type { RemoteState } from './state';

/** Bytes fetched per read; a big log catches up over several polls. */
const READ_CHUNK = 4 * 1024 * 1024;

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

/**
 * Appends what the remote files have beyond the local copies (up to `state.sizes`).
 * Returns true when the mirror has caught up with those sizes.
 * @example await pullLogs(shell, layout, localPaths, state)
 */
export async function pullLogs(shell: RemoteShell, layout: RemoteJobLayout, local: JobPaths, state: RemoteState): Promise<boolean> {
  await mkdir(local.dir, { recursive: true });
  let caughtUp = true;
  for (const key of ['stdout', 'stderr', 'events'] as const) {
    const want = state.sizes[key];
    const have = await sizeOf(local[key]);
    if (have >= want) continue;
    const buf = await shell.read(layout.paths[key], have, Math.min(want - have, READ_CHUNK));
    // Nothing where the size said there was more: the file shrank; nothing left to catch up.
    if (buf.length === 0) continue;
    await appendFile(local[key], buf);
    if (have + buf.length < want) caughtUp = false;
  }
  return caughtUp;
}

/**
 * Writes the small files of a terminal job into the mirror in the local formats, so
 * local/collect.ts computes the duration with the remote clock only (`exit`'s mtime is
 * set to the remote end time).
 */
export async function writeTerminalFiles(local: JobPaths, state: RemoteState): Promise<void> {
  await mkdir(local.dir, { recursive: true });
  if (state.started !== undefined) await writeFile(local.started, `${state.started}\n`);
  if (state.pid) await writeFile(local.pid, `${state.pid.pid} ${state.pid.startTime}\n`);
  if (state.killedBy) await writeFile(local.killed, `${state.killedBy}\n`);
  if (state.exitCode !== undefined) {
    await writeFile(local.exit, `${state.exitCode}\n`);
    if (state.ended !== undefined) await utimes(local.exit, state.ended / 1000, state.ended / 1000);
  }
}
