/** `sgr diff <runA> <runB> [--json]`: what changed between two runs, section by section. */
import { diffManifests } from '../../common/manifest-diff';
import { buildManifest } from '../../manifest/build';
import { EXIT } from '../exit-codes';
import { printJson, withKernel, type GlobalOptions } from '../context';
import { formatDiff } from './report-format';

export { formatDiff, show } from './report-format';

export async function diffCommand(idA: string, idB: string, opts: GlobalOptions & { json?: boolean }): Promise<number> {
  return withKernel(opts, async (kernel) => {
    const a = kernel.resolveRunId(idA);
    const b = kernel.resolveRunId(idB);
    const diff = diffManifests(buildManifest(kernel, a), buildManifest(kernel, b));
    if (opts.json) printJson({ a, b, ...diff });
    else process.stdout.write(formatDiff(a, b, diff));
    return EXIT.OK;
  });
}
