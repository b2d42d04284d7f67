/**
 * `logs.read`: byte-offset pages of a step's current attempt's log
 * (`$SGR_HOME/jobs/[<target>/]<run>.<step>.<attempt>/stdout.log|stderr.log`). Only `limit` bytes are
 * ever read, whatever the file's size; offset -1 reads the last `limit` bytes (the tail).
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { findJobDir } from './job-dir';
import { TERMINAL_STEP_STATES, type StepState } from '../common/plan';
import type { MethodOutput } from '../common/contract';
import { isSafeJobId } from '../dispatch/local/job-dir';
import { completeUtf8Length } from '../dispatch/local/read-log';
import { NotFoundError, type QueryContext } from './run-detail';

export interface LogsQuery {
  runId: string;
  stepId: string;
  stream: 'stdout' | 'stderr';
  offset: number;
  limit: number;
}

/** @example await readStepLog(ctx, { runId, stepId: 'train', stream: 'stdout', offset: -1, limit: 65536 }) */
export async function readStepLog(ctx: QueryContext, q: LogsQuery): Promise<MethodOutput<'logs.read'>> {
  const step = ctx.db.prepare('SELECT state, job_id FROM steps WHERE run_id = ? AND step_id = ?').get(q.runId, q.stepId) as
    | { state: StepState; job_id: string | null }
    | undefined;
  if (!step) {
    const run = ctx.db.prepare('SELECT 1 FROM runs WHERE id = ?').get(q.runId);
    throw new NotFoundError(run ? `run ${q.runId} has no step "${q.stepId}"` : `no run with id "${q.runId}"`);
  }
  const ended = TERMINAL_STEP_STATES.has(step.state);
  const empty = (offset: number) => ({ offset, nextOffset: offset, size: 0, text: '', complete: ended });
  // No job (cache hit, in-process skill, not started): no log. A job id becomes a path, so it is checked.
  if (!step.job_id || !isSafeJobId(step.job_id)) return empty(Math.max(0, q.offset));
  // Remote targets mirror their logs under jobs/<target>/ (see job-dir.ts).
  const dir = await findJobDir(ctx.jobsRoot, step.job_id);
  if (!dir) return empty(Math.max(0, q.offset));
  const file = join(dir, `${q.stream}.log`);
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return empty(Math.max(0, q.offset));
    throw err;
  }
  try {
    const size = (await handle.stat()).size;
    let start = q.offset === -1 ? Math.max(0, size - q.limit) : Math.min(q.offset, size);
    const len = Math.min(q.limit, size - start);
    const buf = Buffer.alloc(len);
    const { bytesRead } = await handle.read(buf, 0, len, start);
    let data = buf.subarray(0, bytesRead);
    if (q.offset === -1) {
      // A tail may start inside a character: skip its continuation bytes.
      let skip = 0;
      while (skip < Math.min(3, data.length) && ((data[skip] as number) & 0xc0) === 0x80) skip++;
      data = data.subarray(skip);
      start += skip;
    }
    let keep = completeUtf8Length(data);
    if (keep === 0) keep = data.length;
    const next = start + keep;
    return { offset: start, nextOffset: next, size, text: data.subarray(0, keep).toString('utf8'), complete: ended && next >= size };
  } finally {
    await handle.close();
  }
}
