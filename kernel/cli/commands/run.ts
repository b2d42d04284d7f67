/** `sgr run <experiment.yaml>` and `sgr resume <runId>`: execute with live progress. */
import { ExperimentError, loadExperiment, type LoadedExperiment } from '../../plan/load-experiment';
import type { Kernel } from '../../api/kernel';
import type { RunState } from '../../common/plan';
import { CliError, EXIT } from '../exit-codes';
import { printJson, withKernel, type GlobalOptions } from '../context';
import { showProgress } from '../progress';

export interface RunOptions extends GlobalOptions {
  concurrency?: number;
  json?: boolean;
  quiet?: boolean;
  logs?: boolean;
}

/** Loads the file and validates it against the kernel, with file:line:col in every message. */
export function loadAndValidate(kernel: Kernel, file: string, concurrency?: number): LoadedExperiment {
  let loaded: LoadedExperiment;
  try {
    loaded = loadExperiment(file);
  } catch (err) {
    if (err instanceof ExperimentError) throw new CliError(err.message, EXIT.USAGE);
    throw err;
  }
  if (concurrency !== undefined) loaded.plan.concurrency = concurrency;
  const issues = kernel.validate(loaded.plan);
  if (issues.length > 0) {
    // A problem in a sweep's template shows in every copy: report it once, with the count.
    const byPlace = new Map<string, { line: string; copies: number }>();
    for (const i of issues) {
      const pos = loaded.locate(i.stepId, i.field);
      const path = i.stepId ? `steps.${i.stepId}.${i.field}` : i.field;
      const key = `${pos.line}:${pos.col}:${i.field}`;
      const seen = byPlace.get(key);
      if (seen) seen.copies++;
      else byPlace.set(key, { line: `${pos.file}:${pos.line}:${pos.col}: ${path}: ${i.message}`, copies: 1 });
    }
    const lines = [...byPlace.values()].map((p) => (p.copies > 1 ? `${p.line} (and ${p.copies - 1} more sweep copies)` : p.line));
    throw new CliError(`${file}: ${lines.length} problem${lines.length === 1 ? '' : 's'}\n${lines.join('\n')}`, EXIT.USAGE);
  }
  return loaded;
}

export async function runCommand(file: string, opts: RunOptions): Promise<number> {
  return withKernel(opts, async (kernel) => {
    const loaded = loadAndValidate(kernel, file, opts.concurrency);
    const runId = kernel.createRun(loaded.plan, { experimentFile: loaded.file, experimentText: loaded.text });
    // The run id is the first line, so scripts can capture it with `head -1`.
    process.stdout.write(`${runId}\n`);
    return execute(kernel, runId, opts, loaded.plan.steps.length);
  });
}

export async function resumeCommand(id: string, opts: RunOptions): Promise<number> {
  return withKernel(opts, async (kernel) => {
    const runId = kernel.resolveRunId(id);
    const total = kernel.steps(runId).length;
    process.stdout.write(`${runId}\n`);
    return execute(kernel, runId, opts, total);
  });
}

async function execute(kernel: Kernel, runId: string, opts: RunOptions, total: number): Promise<number> {
  const state = await executeWithProgress(kernel, runId, opts, total);
  const run = kernel.requireRun(runId);
  if (opts.json) printJson({ runId, state, error: run.error });
  else process.stderr.write(`run ${runId} ${state}${run.error ? `: ${run.error}` : ''}\n`);
  return exitCodeOf(state);
}

/** The exit code of a run's final state. */
export const exitCodeOf = (state: RunState): number => (state === 'COMPLETED' ? EXIT.OK : state === 'ABORTED' ? EXIT.INTERRUPTED : EXIT.RUN_FAILED);

/**
 * Executes a run with live progress on stderr; Ctrl-C cancels its jobs (twice: quits).
 * Shared by `sgr run`, `sgr resume` and `sgr rerun`.
 */
export async function executeWithProgress(kernel: Kernel, runId: string, opts: RunOptions, total: number): Promise<RunState> {
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(EXIT.INTERRUPTED);
    process.stderr.write(`\ninterrupting: cancelling running jobs (Ctrl-C again to quit at once; \`sgr resume ${runId}\` continues later)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const stop = showProgress(kernel.bus, { total, quiet: opts.quiet || opts.json, logs: opts.logs ?? false });
  let state: RunState;
  try {
    state = await kernel.execute(runId, { signal: controller.signal });
  } finally {
    stop();
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
  return state;
}
