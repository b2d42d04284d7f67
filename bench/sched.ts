/**
 * Scheduler overhead (D6): N one-second jobs on 2 slots (target local, maxJobs 2) through
 * `sgr run` — CLI start-up, durable journal, one queue transaction per admission and per
 * release included — against the ideal N/2 seconds and against `make -j2` of the same N
 * `sleep 1` jobs, in the same run. `npm run bench -- sched --sched-n=100` for a quick one.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { seconds, type BenchResult } from './types';

function timeCmd(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const s = seconds(t);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return s;
}

/** `--sched-n=<n>` on the bench command line; 1,000 by default. */
export function schedN(argv: readonly string[]): number {
  const flag = argv.find((a) => a.startsWith('--sched-n='));
  const n = flag ? Number(flag.slice('--sched-n='.length)) : 1000;
  if (!Number.isInteger(n) || n < 2) throw new Error(`bench sched: --sched-n wants a whole number ≥ 2, got ${flag}`);
  return n;
}

export async function benchSched(opts: { workDir: string; sgrCli: string; n: number; log?: (l: string) => void }): Promise<BenchResult> {
  const { n } = opts;
  const log = opts.log ?? (() => undefined);
  const ideal = n / 2;
  const load = loadavg()[0] ?? 0;
  const dir = mkdtempSync(join(opts.workDir, 'sched-'));
  try {
    const home = join(dir, 'home');
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, 'targets.yaml'), 'targets:\n  local:\n    kind: local\n    resources: { maxJobs: 2 }\n');
    // concurrency 4 > 2 slots: the target's quota is what binds, and the queue is never empty.
    const steps = Array.from({ length: n }, (_, i) => `  j${i}:\n    skill: shell\n    cache: false\n    params: { command: "sleep 1" }`);
    writeFileSync(join(dir, 'experiment.yaml'), `version: 1\nname: sched-${n}\nconcurrency: 4\nsteps:\n${steps.join('\n')}\n`);
    log(`  sgr run: ${n} × sleep 1 on 2 slots (ideal ${ideal} s)…`);
    const sgr = timeCmd(process.execPath, [resolve(opts.sgrCli), 'run', 'experiment.yaml', '-q'], dir, { ...process.env, SGR_HOME: home });
    log(`  sgr ${sgr.toFixed(2)} s; make -j2…`);
    const mk = join(dir, 'make');
    mkdirSync(mk, { recursive: true });
    // Explicit phony rules: make never applies a pattern rule to a phony target.
    const jobs = Array.from({ length: n }, (_, i) => `j${i}`);
    writeFileSync(join(mk, 'Makefile'), `all: ${jobs.join(' ')}\n.PHONY: all ${jobs.join(' ')}\n${jobs.map((j) => `${j}:\n\t@sleep 1\n`).join('')}`);
    const make = timeCmd('make', ['-s', '-j2'], mk);
    log(`  make ${make.toFixed(2)} s`);
    const over = sgr / ideal;
    return {
      // One title whatever N: a quick run replaces the section rather than adding one.
      name: 'scheduler overhead, one-second jobs on 2 slots',
      command: `npm run bench -- sched${n === 1000 ? '' : ` --sched-n=${n}`}`,
      rows: [
        { label: `ideal (${n} × 1 s / 2 slots)`, seconds: ideal },
        { label: `sgr run, ${n} jobs (target local maxJobs 2, plan concurrency 4)`, seconds: sgr, note: 'node start-up, intent + commit per step, a queue transaction per admission and release' },
        { label: 'make -j2 (same sleeps)', seconds: make },
      ],
      ratios: [
        { label: 'sgr / ideal', value: over, target: '≤ 1.10', pass: over <= 1.1 },
        { label: 'make / ideal', value: make / ideal },
        { label: 'sgr / make', value: sgr / make },
      ],
      notes: [`Load average when the run started: ${load.toFixed(1)} on 2 cores.`, `Overhead per job: ${(((sgr - ideal) * 2) / n * 1000).toFixed(1)} ms of slot time (sgr), ${(((make - ideal) * 2) / n * 1000).toFixed(1)} ms (make).`],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
