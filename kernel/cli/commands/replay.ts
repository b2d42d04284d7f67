/** `sgr replay <runId>`: re-derive a run from its journal; one line per step, then `identical` or the first divergence. */
import { EXIT } from '../exit-codes';
import { printJson, withKernel, type GlobalOptions } from '../context';
import { formatReplay } from './report-format';

export async function replayCommand(id: string, opts: GlobalOptions & { json?: boolean }): Promise<number> {
  return withKernel(opts, async (kernel) => {
    const report = await kernel.replay(kernel.resolveRunId(id));
    if (opts.json) printJson(report);
    else process.stdout.write(formatReplay(report));
    return report.identical ? EXIT.OK : EXIT.DIVERGED;
  });
}
