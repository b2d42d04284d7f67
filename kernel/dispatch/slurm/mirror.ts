/**
 * The local mirror of a Slurm job, `<jobsRoot>/<jobId>/` in the local dispatcher's format
 * (spec.json, stdout.log, stderr.log, events.jsonl — as the cluster wrote it, remote paths —,
 * started, exit, killed) plus `slurm_id` and `status.json` (the final status). A restarted kernel reads logs and results here and only asks the cluster what
 * it cannot know yet. Logs are appended exactly as read, so a file's size is the offset
 * to continue the remote tail from.
 */
import { StringDecoder } from 'node:string_decoder';
import { appendFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProtocolReader } from '../protocol';
import type { RemoteShell } from '../remote/shell';
import type { JobPaths } from '../local/job-dir';
import type { JobListener, JobLogStream, JobStatus } from '../types';

const CHUNK = 1024 * 1024;

export async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

export const mirrorFiles = (local: JobPaths) => ({
  slurmId: join(local.dir, 'slurm_id'),
  status: join(local.dir, 'status.json'),
});

export async function readFinalStatus(local: JobPaths): Promise<JobStatus | undefined> {
  try {
    return JSON.parse(await readFile(mirrorFiles(local).status, 'utf8')) as JobStatus;
  } catch {
    return undefined;
  }
}

export async function writeFinalStatus(local: JobPaths, status: JobStatus): Promise<void> {
  await writeFile(mirrorFiles(local).status, `${JSON.stringify(status)}\n`);
}

interface Stream {
  remote: string;
  local: string;
  offset: number;
  decoder: StringDecoder;
}

/** Follows the remote stdout.log, stderr.log and events.jsonl into the mirror. */
export class RemoteTail {
  private readonly streams: Record<JobLogStream | 'events', Stream>;
  private readonly reader = new ProtocolReader('events.jsonl');

  private constructor(streams: Record<JobLogStream | 'events', Stream>) {
    this.streams = streams;
  }

  /** Continues where the mirror ends (after a restart: its sizes). */
  static async open(remote: JobPaths, local: JobPaths): Promise<RemoteTail> {
    await mkdir(local.dir, { recursive: true });
    const make = async (r: string, l: string): Promise<Stream> => ({ remote: r, local: l, offset: await sizeOf(l), decoder: new StringDecoder('utf8') });
    return new RemoteTail({
      stdout: await make(remote.stdout, local.stdout),
      stderr: await make(remote.stderr, local.stderr),
      events: await make(remote.events, local.events),
    });
  }

  /** Reads what is new; `final` drains everything and flushes a last unterminated line. */
  async poll(shell: RemoteShell, listeners: Iterable<JobListener>, final: boolean): Promise<void> {
    const ls = [...listeners];
    for (const name of ['stdout', 'stderr', 'events'] as const) {
      const s = this.streams[name];
      for (;;) {
        const buf = await shell.read(s.remote, s.offset, CHUNK);
        if (buf.length === 0) break;
        await appendFile(s.local, buf);
        s.offset += buf.length;
        const text = s.decoder.write(buf);
        if (name === 'events') this.emitEvents(this.reader.push(text), ls);
        else if (text) for (const l of ls) l.onLog?.(name, text);
        if (buf.length < CHUNK) break;
      }
      if (final) {
        const rest = s.decoder.end();
        if (name === 'events') {
          this.emitEvents(this.reader.push(rest), ls);
          this.emitEvents(this.reader.end(), ls);
        } else if (rest) for (const l of ls) l.onLog?.(name, rest);
      }
    }
  }

  private emitEvents(parsed: ReturnType<ProtocolReader['push']>, ls: JobListener[]): void {
    for (const e of parsed.events) for (const l of ls) l.onEvent?.(e);
    for (const w of parsed.warnings) for (const l of ls) l.onWarning?.(w);
  }
}
