/** Helpers shared by the local dispatcher tests: temp dirs, specs, recording listeners. */
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobListener, JobSpec, ProtocolEvent } from '../types';
import { afterEach, beforeEach } from 'vitest';
import { LocalDispatcher } from './local-dispatcher';
import { procStat } from './process-probe';

export interface Sandbox {
  /** The dispatcher root (`$SGR_HOME/jobs`). */
  root: string;
  /** A working directory for jobs. */
  work: string;
  cleanup(): Promise<void>;
}

/** A fresh temp dir (under `parent`, default the OS temp dir); realpath'd so paths compare equal to what collect() returns. */
export async function sandbox(parent = tmpdir()): Promise<Sandbox> {
  const base = await realpath(await mkdtemp(join(parent, 'sgr-dispatch-')));
  return {
    root: join(base, 'jobs'),
    work: join(base, 'work'),
    // Retries: a wrapper of a job a test left running may still be writing its files.
    cleanup: () => rm(base, { recursive: true, force: true, maxRetries: 5 }),
  };
}

/** A spec running `script` with /bin/sh -c. */
export function shellSpec(jobId: string, work: string, script: string, extra: Partial<JobSpec> = {}): JobSpec {
  return {
    jobId,
    runId: 'run1',
    stepId: jobId.split('.')[1] ?? 'step',
    attempt: 1,
    argv: ['/bin/sh', '-c', script],
    env: {},
    cwd: work,
    timeoutMs: 0,
    outputs: {},
    ...extra,
  };
}

export interface Recorded extends Required<JobListener> {
  stdout: string;
  stderr: string;
  events: ProtocolEvent[];
  warnings: string[];
}

/** A listener that keeps everything it is told. */
export function recorder(): Recorded {
  const r: Recorded = {
    stdout: '',
    stderr: '',
    events: [],
    warnings: [],
    onLog: (stream, chunk) => {
      r[stream] += chunk;
    },
    onEvent: (e) => {
      r.events.push(e);
    },
    onWarning: (w) => {
      r.warnings.push(w);
    },
  };
  return r;
}

/** True while `pid` is a live (non-zombie) process. */
export async function alive(pid: number): Promise<boolean> {
  const stat = await procStat(pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

/** Polls `check` until it is true or `ms` passed. */
export async function eventually(check: () => Promise<boolean> | boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}

/**
 * Gives every test of the file a fresh sandbox and dispatcher, closed and removed after it.
 * @example let box: Sandbox; let d: LocalDispatcher; freshDispatcher((b, x) => { box = b; d = x; });
 */
export function freshDispatcher(set: (box: Sandbox, d: LocalDispatcher) => void, pollMs = 20): void {
  let box: Sandbox | undefined;
  let d: LocalDispatcher | undefined;
  beforeEach(async () => {
    box = await sandbox();
    d = new LocalDispatcher({ root: box.root, pollMs });
    set(box, d);
  });
  afterEach(async () => {
    await d?.close();
    await box?.cleanup();
  });
}
