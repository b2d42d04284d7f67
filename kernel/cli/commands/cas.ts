/** `sgr cas verify` and `sgr cas gc`: integrity check and garbage collection of the artifact store. */
import { parseDuration } from '../../plan/duration';
import { CliError, EXIT } from '../exit-codes';
import { printJson, withKernel, type GlobalOptions } from '../context';

function progress(label: string): (done: number, total: number) => void {
  let last = 0;
  return (done, total) => {
    const now = Date.now();
    if (process.stderr.isTTY && (now - last > 200 || done === total)) {
      last = now;
      process.stderr.write(`\r${label} ${done}/${total}`);
      if (done === total) process.stderr.write('\n');
    }
  };
}

export async function casVerifyCommand(opts: GlobalOptions & { json?: boolean; quarantine?: boolean }): Promise<number> {
  return withKernel(opts, async (kernel) => {
    const r = await kernel.cas.verify({ onProgress: progress('verifying'), quarantine: opts.quarantine ?? false });
    if (opts.json) printJson(r);
    else {
      process.stdout.write(`checked ${r.checked} blobs (${r.bytes} bytes): ${r.corrupt.length} corrupt\n`);
      for (const c of r.corrupt) process.stdout.write(`  CORRUPT ${c.digest} at ${c.path} (content hashes to ${c.actual})\n`);
    }
    return r.corrupt.length === 0 ? EXIT.OK : EXIT.DIVERGED;
  });
}

export async function casGcCommand(opts: GlobalOptions & { json?: boolean; grace?: string; dryRun?: boolean }): Promise<number> {
  let graceMs: number | undefined;
  if (opts.grace !== undefined) {
    const d = parseDuration(/^\d+$/.test(opts.grace) ? Number(opts.grace) : opts.grace);
    if ('error' in d) throw new CliError(`--grace: ${d.error}`, EXIT.USAGE);
    graceMs = d.ms;
  }
  return withKernel(opts, async (kernel) => {
    const r = await kernel.casGc({ ...(graceMs !== undefined ? { graceMs } : {}), dryRun: opts.dryRun ?? false });
    if (opts.json) printJson(r);
    else {
      process.stdout.write(`${opts.dryRun ? 'would delete' : 'deleted'} ${r.deleted.length} unreferenced blobs (${r.freedBytes} bytes), kept ${r.kept}, removed ${r.tmpRemoved} stale temp files\n`);
    }
    return EXIT.OK;
  });
}
