/** `sgr replay <runId>`: re-derive a run from its journal; `identical` or the first divergence. */
import { EXIT } from '../exit-codes';
import { printJson, withKernel, type GlobalOptions } from '../context';

export async function replayCommand(id: string, opts: GlobalOptions & { json?: boolean }): Promise<number> {
  return withKernel(opts, async (kernel) => {
    const report = await kernel.replay(kernel.resolveRunId(id));
    if (opts.json) printJson(report);
    else if (report.identical) {
      process.stdout.write(`identical — ${report.compared} steps re-derived from the journal without running any job` +
        `${report.unfinished.length ? `; ${report.unfinished.length} unfinished steps not compared (${report.unfinished.join(', ')})` : ''}\n`);
    } else {
      const d = report.divergence;
      const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
      process.stdout.write(`diverged at step ${d?.stepId ?? '(run)'}, field ${d?.field}\n  recorded: ${show(d?.recorded)}\n  replayed: ${show(d?.replayed)}\n`);
    }
    return report.identical ? EXIT.OK : EXIT.DIVERGED;
  });
}
