/**
 * A docker job's local directory `<jobsRoot>/<jobId>/`: the same file names as the local
 * dispatcher's (job-dir.ts), so its readers (collect, tail, read-log, timeout) work
 * unchanged. Only `io/` is mounted into the container, read-write, for `events.jsonl`: the
 * job must never be able to forge its own `exit`, `oom` or logs.
 *
 * Files written by this dispatcher: spec.json (submit), started (container start, epoch
 * ms), stdout.log/stderr.log (mirrored from `docker logs`), exit (exit code), oom (the
 * engine reported OOMKilled), lost (the container vanished), killed (cancel/timeout).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jobPaths, readLineFile, type JobPaths } from '../local/job-dir';

export interface DockerJobPaths extends JobPaths {
  /** Mounted into the container at the same path. */
  io: string;
  oom: string;
  lost: string;
}

/** @example dockerJobPaths('/h/jobs/box', 'r.s.1').events // '/h/jobs/box/r.s.1/io/events.jsonl' */
export function dockerJobPaths(root: string, jobId: string): DockerJobPaths {
  const base = jobPaths(root, jobId);
  const io = join(base.dir, 'io');
  return { ...base, io, events: join(io, 'events.jsonl'), oom: join(base.dir, 'oom'), lost: join(base.dir, 'lost') };
}

/** What the job directory records about an ended job; undefined while it has not ended. */
export interface EndState {
  phase: 'exited' | 'lost';
  exitCode: number | null;
  oomKilled: boolean;
}

export async function readEndState(paths: DockerJobPaths): Promise<EndState | undefined> {
  const exit = await readLineFile(paths.exit);
  if (exit !== undefined && /^-?\d+$/.test(exit)) {
    return { phase: 'exited', exitCode: Number(exit), oomKilled: (await readLineFile(paths.oom)) !== undefined };
  }
  if ((await readLineFile(paths.lost)) !== undefined) return { phase: 'lost', exitCode: null, oomKilled: false };
  return undefined;
}

/** `oom` first, `exit` last: a reader that sees `exit` also sees `oom`. */
export async function writeEndState(paths: DockerJobPaths, end: EndState, why = ''): Promise<void> {
  if (end.phase === 'lost') {
    await writeFile(paths.lost, `${why || 'lost'}\n`);
    return;
  }
  if (end.oomKilled) await writeFile(paths.oom, 'oom\n');
  await writeFile(paths.exit, `${end.exitCode ?? -1}\n`);
}

export async function writeStarted(paths: DockerJobPaths, epochMs: number): Promise<void> {
  await writeFile(paths.started, `${Math.round(epochMs)}\n`, { flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
}
