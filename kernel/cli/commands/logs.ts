/** `sgr logs <runId> [step] [--follow]`: a step's stdout/stderr, paged from the job's log files. */
import { join } from 'node:path';
import { TERMINAL_STEP_STATES } from '../../common/plan';
import { readLogPage } from '../../dispatch/local/read-log';
import { findJobDir } from '../../query/job-dir';
import type { Kernel } from '../../api/kernel';
import type { JobLogStream } from '../../dispatch/types';
import { CliError, EXIT } from '../exit-codes';
import { withKernel, type GlobalOptions } from '../context';

export interface LogsOptions extends GlobalOptions {
  follow?: boolean;
  stderr?: boolean;
}

const PAGE = 1 << 20;

export async function logsCommand(id: string, stepId: string | undefined, opts: LogsOptions): Promise<number> {
  return withKernel(opts, async (kernel) => {
    const runId = kernel.resolveRunId(id);
    const stream: JobLogStream = opts.stderr ? 'stderr' : 'stdout';
    const all = kernel.steps(runId);
    if (stepId !== undefined && !all.some((s) => s.step_id === stepId)) {
      throw new CliError(`run ${runId} has no step "${stepId}" (steps: ${all.map((s) => s.step_id).join(', ')})`, EXIT.NOT_FOUND);
    }
    const only = all.find((s) => s.step_id === stepId);
    if (only && !only.job_id && TERMINAL_STEP_STATES.has(only.state)) {
      process.stderr.write(`step "${stepId}" ${only.cache_hit ? 'was a cache hit' : 'ran in-process or never started a job'}: it has no job logs\n`);
      return EXIT.OK;
    }
    const offsets = new Map<string, number>();
    const many = stepId === undefined;
    for (;;) {
      const steps = kernel.steps(runId).filter((s) => !many || s.step_id === stepId || stepId === undefined);
      let progressed = false;
      for (const s of steps.filter((x) => (stepId ? x.step_id === stepId : true))) {
        if (!s.job_id) continue;
        progressed = (await drain(kernel, s.job_id, stream, offsets, many ? `[${s.step_id}] ` : '')) || progressed;
      }
      if (!opts.follow) break;
      const run = kernel.requireRun(runId);
      const done = ['COMPLETED', 'FAILED', 'ABORTED'].includes(run.state) && steps.every((s) => TERMINAL_STEP_STATES.has(s.state));
      if (done && !progressed) break;
      if (!progressed) await new Promise((r) => setTimeout(r, 200));
    }
    return EXIT.OK;
  });
}

/** Reads the job's log from this machine: the local job dir, or a remote target's mirror of it. */
async function drain(kernel: Kernel, jobId: string, stream: JobLogStream, offsets: Map<string, number>, prefix: string): Promise<boolean> {
  const dir = await findJobDir(kernel.paths.jobs, jobId);
  if (!dir) return false;
  let progressed = false;
  for (;;) {
    const from = offsets.get(jobId) ?? 0;
    let page: { data: string; next: number };
    try {
      page = await readLogPage(join(dir, `${stream}.log`), from, PAGE);
    } catch {
      return progressed;
    }
    if (page.next === from) return progressed;
    offsets.set(jobId, page.next);
    progressed = true;
    process.stdout.write(prefix ? page.data.replace(/^(?=.)/gm, prefix) : page.data);
  }
}
