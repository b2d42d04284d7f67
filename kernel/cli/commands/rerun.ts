/**
 * `sgr rerun <runId> [--target t] [--json]`: the drift report, then the run's frozen plan
 * executed again as a new run without cache reuse (live progress on stderr), then its
 * results against the original's. Exit codes: 0 results identical, 4 results differ,
 * 1 / 130 when the re-run failed / was interrupted (as `sgr run`).
 */
import { driftReport } from '../../replay/drift';
import { createRerun, resultDiff } from '../../replay/rerun';
import { EXIT } from '../exit-codes';
import { printJson, withKernel, type GlobalOptions } from '../context';
import { formatDrift, formatResults } from './report-format';
import { executeWithProgress, exitCodeOf, type RunOptions } from './run';

export async function rerunCommand(id: string, opts: RunOptions & GlobalOptions & { target?: string }): Promise<number> {
  return withKernel(opts, async (kernel) => {
    const original = kernel.resolveRunId(id);
    const drift = await driftReport(kernel, original);
    if (!opts.json) process.stdout.write(formatDrift(drift));
    const runId = createRerun(kernel, original, { target: opts.target });
    if (!opts.json) process.stdout.write(`rerun ${runId} of ${original}: every step runs again (no cache reuse)\n`);
    const state = await executeWithProgress(kernel, runId, opts, kernel.steps(runId).length);
    const run = kernel.requireRun(runId);
    const results = resultDiff(kernel, original, runId);
    if (opts.json) printJson({ runId, of: original, state, error: run.error, drift, results });
    else {
      process.stderr.write(`run ${runId} ${state}${run.error ? `: ${run.error}` : ''}\n`);
      process.stdout.write(formatResults(original, runId, results));
    }
    if (state !== 'COMPLETED') return exitCodeOf(state);
    return results.identical ? EXIT.OK : EXIT.DIVERGED;
  });
}
