/** `sgr manifest <runId> [--out file]`: a run's reproducibility manifest as JSON, keys sorted. */
import { writeFileSync } from 'node:fs';
import { canonicalJson } from '../../common/canonical';
import { buildManifest } from '../../manifest/build';
import { CliError, EXIT } from '../exit-codes';
import { withKernel, type GlobalOptions } from '../context';

/** Pretty JSON with sorted keys, so two manifests of the same run are byte-identical. */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(JSON.parse(canonicalJson(value)), null, 2)}\n`;
}

export async function manifestCommand(id: string, opts: GlobalOptions & { out?: string }): Promise<number> {
  return withKernel(opts, async (kernel) => {
    const text = stableJson(buildManifest(kernel, kernel.resolveRunId(id)));
    if (opts.out === undefined) {
      process.stdout.write(text);
      return EXIT.OK;
    }
    try {
      writeFileSync(opts.out, text);
    } catch (err) {
      throw new CliError(`--out ${opts.out}: ${(err as Error).message}`, EXIT.USAGE);
    }
    process.stderr.write(`wrote ${opts.out}\n`);
    return EXIT.OK;
  });
}
