/** `sgr diff <runA> <runB> [--json]`: what changed between two runs, section by section. */
import { DIFF_SECTIONS, diffManifests, type ManifestDiff } from '../../common/manifest-diff';
import { buildManifest } from '../../manifest/build';
import { EXIT } from '../exit-codes';
import { printJson, withKernel, type GlobalOptions } from '../context';

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

/** Grouped text; identical sections take one line. @example "environment: identical" */
export function formatDiff(a: string, b: string, diff: ManifestDiff): string {
  const lines = [`diff ${a} → ${b}`];
  for (const section of DIFF_SECTIONS) {
    const { identical, changes } = diff[section];
    if (identical) {
      lines.push(`${section}: identical`);
      continue;
    }
    lines.push(`${section}: ${changes.length} change${changes.length === 1 ? '' : 's'}`);
    for (const c of changes) lines.push(`  ${c.path}: ${show(c.a)} → ${show(c.b)}`);
  }
  return `${lines.join('\n')}\n`;
}

const HASH = /\b(sha256:)?([0-9a-f]{40}|[0-9a-f]{64})\b/g;

/** Values as JSON, with digests and commit ids cut to 12 hex characters. */
export function show(v: unknown): string {
  const text = v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v);
  const short = text.replace(HASH, (_m, prefix: string | undefined, hex: string) => `${prefix ?? ''}${hex.slice(0, 12)}`);
  return short.length > 200 ? `${short.slice(0, 197)}...` : short;
}
