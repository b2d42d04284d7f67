/** `sgr targets list` and `sgr targets check [name]`: where jobs can run, and whether they can now. */
import { formatResources } from '../../common/targets-format';
import type { RecordedProbe } from '../../targets/probe-state';
import { targetInfos } from '../../targets/describe';
import { KernelError } from '../../api/errors';
import { EXIT } from '../exit-codes';
import { printJson, withKernel, type GlobalOptions } from '../context';

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min ago`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

/** One line about a probe: `ok 135 ms: 8 CPUs, 31 GiB RAM, no GPUs` or `FAILED: <why>`. */
export function probeLine(p: RecordedProbe): string {
  if (!p.ok) return `FAILED: ${p.error ?? 'no reason given'}`;
  const res = formatResources(p.resources, { sayNoGpus: true });
  return `ok ${Math.round(p.latencyMs)} ms${res ? `: ${res}` : ''}`;
}

export async function targetsListCommand(opts: GlobalOptions & { json?: boolean }): Promise<number> {
  return withKernel(opts, async (kernel) => {
    kernel.targets(); // a broken targets.yaml is an error here, naming file, line and field
    const infos = targetInfos(kernel.dispatchers);
    if (opts.json) {
      printJson(infos);
      return EXIT.OK;
    }
    const out: string[] = [`targets from ${kernel.dispatchers.file}${kernel.dispatchers.exists() ? '' : ' (absent: only local)'}`];
    const now = Date.now();
    for (const t of infos) {
      out.push(`${t.name}  ${t.kind}${t.address ? `  ${t.address}` : ''}${t.description ? `  — ${t.description}` : ''}`);
      const declared = formatResources(t.resources ?? undefined);
      if (declared) out.push(`  declared: ${declared}${t.resources?.maxJobs ? `, at most ${t.resources.maxJobs} jobs` : ''}`);
      out.push(`  last check: ${t.lastProbe ? `${probeLine(t.lastProbe)} (${ago(now - t.lastProbe.at)})` : 'never (sgr targets check)'}`);
    }
    process.stdout.write(`${out.join('\n')}\n`);
    return EXIT.OK;
  });
}

/** Exit 0 when every checked target answered; 1 when one failed (its reason is printed). */
export async function targetsCheckCommand(name: string | undefined, opts: GlobalOptions & { json?: boolean }): Promise<number> {
  return withKernel(opts, async (kernel) => {
    const names = kernel.targets();
    if (name !== undefined && !names.includes(name)) {
      throw new KernelError('NOT_FOUND', `no target named "${name}" (known: ${names.join(', ')}; declared in ${kernel.dispatchers.file})`);
    }
    const results: Array<RecordedProbe & { name: string }> = [];
    for (const n of name === undefined ? names : [name]) {
      // Progress on stderr so `--json` output stays parseable.
      process.stderr.write(`checking ${n}…\n`);
      const probe = await kernel.dispatchers.check(n);
      results.push({ name: n, ...probe });
      if (!opts.json) {
        const details = Object.entries(probe.details).map(([k, v]) => `${k} ${v}`).join('; ');
        process.stdout.write(`${n}: ${probeLine(probe)}\n${probe.ok && details ? `  ${details}\n` : ''}`);
      }
    }
    if (opts.json) printJson(results);
    const failed = results.filter((r) => !r.ok);
    if (failed.length > 0 && !opts.json) process.stderr.write(`sgr: ${failed.length} of ${results.length} target${results.length === 1 ? '' : 's'} failed the check: ${failed.map((f) => f.name).join(', ')}\n`);
    return failed.length > 0 ? EXIT.RUN_FAILED : EXIT.OK;
  });
}

