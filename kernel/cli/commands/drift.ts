/** `sgr drift <runId> [--json]`: what differs now from when the run ran (code, environment, data, skills). */
import { driftReport } from '../../replay/drift';
import { EXIT } from '../exit-codes';
import { printJson, withKernel, type GlobalOptions } from '../context';
import { formatDrift } from './report-format';

/** Exits 0 when nothing drifted, 4 when something did (a script can gate a re-run on it). */
export async function driftCommand(id: string, opts: GlobalOptions & { json?: boolean }): Promise<number> {
  return withKernel(opts, async (kernel) => {
    const drift = await driftReport(kernel, kernel.resolveRunId(id));
    if (opts.json) printJson(drift);
    else process.stdout.write(formatDrift(drift));
    return drift.identical ? EXIT.OK : EXIT.DIVERGED;
  });
}
