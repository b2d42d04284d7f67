/**
 * Follows a job's stdout.log, stderr.log and events.jsonl from the last offset and hands
 * new data to the listeners. Files are polled, not watched: polling works the same for a
 * job this process launched and for one it re-attached to after a crash, and on every
 * filesystem (inotify misses writes made through NFS).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { ProtocolReader } from '../protocol';
import type { JobListener, JobLogStream } from '../types';
import type { JobPaths } from './job-dir';

const CHUNK = 64 * 1024;

class FileFollower {
  private handle: FileHandle | undefined;
  private offset = 0;
  /** Keeps a UTF-8 sequence split across two reads together. */
  private decoder = new StringDecoder('utf8');

  constructor(private readonly path: string) {}

  /** Everything appended since the last call ('' if the file does not exist yet). */
  async readNew(): Promise<string> {
    if (!this.handle) {
      try {
        this.handle = await open(this.path, 'r');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
        throw err;
      }
    }
    let text = '';
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const { bytesRead } = await this.handle.read(buf, 0, CHUNK, this.offset);
      if (bytesRead === 0) return text;
      this.offset += bytesRead;
      text += this.decoder.write(buf.subarray(0, bytesRead));
    }
  }

  /** Flushes an incomplete trailing UTF-8 sequence (as U+FFFD) once the writer is done. */
  end(): string {
    const rest = this.decoder.end();
    this.decoder = new StringDecoder('utf8');
    return rest;
  }

  async close(): Promise<void> {
    const h = this.handle;
    this.handle = undefined;
    await h?.close();
  }
}

/**
 * @example
 * const tail = new JobTail('r.s.1', jobPaths(root, 'r.s.1'));
 * await tail.poll([{ onLog: (s, c) => process.stdout.write(c) }], false);
 */
export class JobTail {
  private readonly logs: Record<JobLogStream, FileFollower>;
  private readonly events: FileFollower;
  private readonly reader = new ProtocolReader('events.jsonl');

  constructor(
    private readonly jobId: string,
    paths: JobPaths,
  ) {
    this.logs = { stdout: new FileFollower(paths.stdout), stderr: new FileFollower(paths.stderr) };
    this.events = new FileFollower(paths.events);
  }

  /**
   * Reads what is new and notifies the listeners. `final` (the job has exited) also
   * flushes partial lines and releases the file handles; a later poll reopens them.
   */
  async poll(listeners: Iterable<JobListener>, final: boolean): Promise<void> {
    const all = [...listeners];
    for (const stream of ['stdout', 'stderr'] as const) {
      const follower = this.logs[stream];
      const chunk = (await follower.readNew()) + (final ? follower.end() : '');
      if (chunk) for (const l of all) l.onLog?.(stream, chunk);
    }
    const pushed = this.reader.push((await this.events.readNew()) + (final ? this.events.end() : ''));
    const flushed = final ? this.reader.end() : { events: [], warnings: [] };
    for (const event of [...pushed.events, ...flushed.events]) for (const l of all) l.onEvent?.(event);
    for (const w of [...pushed.warnings, ...flushed.warnings]) for (const l of all) l.onWarning?.(`job ${this.jobId}: ${w}`);
    if (final) await this.close();
  }

  async close(): Promise<void> {
    await Promise.all([this.logs.stdout.close(), this.logs.stderr.close(), this.events.close()]);
  }
}
