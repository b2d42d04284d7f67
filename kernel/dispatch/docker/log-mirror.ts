/**
 * Mirrors a container's stdout/stderr (`docker logs`, demultiplexed) into the job's local
 * stdout.log/stderr.log, so logs outlive the container and readLog/JobTail work exactly
 * as for local jobs. Docker keeps the whole log, so every (re)attach replays it from the
 * start and skips the bytes already mirrored: a kernel restart or a dockerd restart never
 * duplicates nor loses a line. The follow stream only makes logs live; `finish()` does
 * one last complete read after the container has exited, which is what makes them exact.
 */
import { appendFile, stat } from 'node:fs/promises';
import { PassThrough, Readable, Writable } from 'node:stream';
import type Docker from 'dockerode';
import type { JobLogStream } from '../types';
import type { DockerJobPaths } from './job-files';

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

export class LogMirror {
  /** Bytes of each stream already appended (or queued to be) to its file. */
  private written: Record<JobLogStream, number> = { stdout: 0, stderr: 0 };
  private ready: Promise<void> | undefined;
  private writes: Promise<void> = Promise.resolve();
  private generation = 0;
  private live: Readable | undefined;
  private stopped = false;

  constructor(
    private readonly docker: Docker,
    private readonly container: Docker.Container,
    private readonly paths: DockerJobPaths,
    private readonly onProblem: (message: string) => void,
  ) {}

  private init(): Promise<void> {
    this.ready ??= (async () => {
      this.written = { stdout: await sizeOf(this.paths.stdout), stderr: await sizeOf(this.paths.stderr) };
    })();
    return this.ready;
  }

  /** A sink for one stream of one (re)attach: drops what the file already has, appends the rest. */
  private sink(stream: JobLogStream, generation: number): Writable {
    let skip = this.written[stream];
    return new Writable({
      write: (chunk: Buffer, _enc, done) => {
        if (generation !== this.generation) return done();
        let data = chunk;
        if (skip > 0) {
          const n = Math.min(skip, data.length);
          skip -= n;
          data = data.subarray(n);
        }
        if (data.length === 0) return done();
        this.written[stream] += data.length;
        const file = this.paths[stream];
        this.writes = this.writes.then(() => appendFile(file, data)).catch((err: Error) => this.onProblem(`cannot append to ${file}: ${err.message}`));
        done();
      },
    });
  }

  /** Pipes a multiplexed log stream into the files; resolves when it ends. */
  private pump(raw: NodeJS.ReadableStream, generation: number): Promise<void> {
    return new Promise((resolve) => {
      this.docker.modem.demuxStream(raw, this.sink('stdout', generation), this.sink('stderr', generation));
      raw.on('end', () => resolve());
      raw.on('close', () => resolve());
      raw.on('error', () => resolve());
    });
  }

  /**
   * Follows the live log until the stream ends (container exit, daemon gone, `finish`).
   * The caller re-follows after a daemon restart.
   */
  async follow(): Promise<void> {
    if (this.stopped) return;
    await this.init();
    const generation = ++this.generation;
    const raw = (await this.container.logs({ follow: true, stdout: true, stderr: true })) as unknown as Readable;
    if (this.stopped || generation !== this.generation) {
      raw.destroy();
      return;
    }
    this.live = raw;
    await this.pump(raw, generation);
  }

  /** Stops following and mirrors the complete log of the exited container; resolves when the files are written. */
  async finish(): Promise<void> {
    this.stopped = true;
    await this.init();
    const generation = ++this.generation;
    this.live?.destroy();
    const all = (await this.container.logs({ follow: false, stdout: true, stderr: true })) as unknown as Buffer;
    const body = new PassThrough();
    const pumped = this.pump(body, generation);
    body.end(all);
    await pumped;
    // demuxStream hands its last frames to the sinks after 'end' has been emitted.
    await new Promise((r) => setImmediate(r));
    await this.writes;
  }

  /** Stops following (dispatcher closing); files keep what was mirrored so far. */
  async close(): Promise<void> {
    this.stopped = true;
    this.generation++;
    this.live?.destroy();
    await this.writes;
  }
}
