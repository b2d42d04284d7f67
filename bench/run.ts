/**
 * `npm run bench [-- overhead|dag|cas|hpo ...]`: runs the benchmarks, each against its peer in
 * the same run, and writes BENCHMARKS.md (figures + ratios + the reproducing command).
 */
import { cpus } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { benchCasIngest } from './cas-ingest';
import { benchDag200 } from './dag-200';
import { benchHpoQuality } from './hpo-quality';
import { benchKernelOverhead } from './kernel-overhead';
import type { BenchResult } from './types';

const root = resolve(import.meta.dirname, '..');
const workDir = join(root, 'bench', '.work');
mkdirSync(workDir, { recursive: true });
const log = (l: string): void => void process.stderr.write(`${l}\n`);
const wanted = process.argv.slice(2);
const all = wanted.length === 0;

const results: BenchResult[] = [];
if (all || wanted.includes('overhead')) {
  log('bench: kernel overhead per durable no-op step');
  results.push(await benchKernelOverhead({ workDir, log }));
}
if (all || wanted.includes('dag')) {
  log('bench: 200-step DAG vs make and snakemake');
  results.push(await benchDag200({ workDir, sgrCli: join(root, 'bin', 'sgr.mjs'), log }));
}
if (all || wanted.includes('cas')) {
  log('bench: CAS ingest of 1 GiB vs cp, openssl, git');
  results.push(await benchCasIngest({ workDir, log }));
}
if (all || wanted.includes('hpo')) {
  log('bench: HPO quality, TPE vs Optuna on Branin and Hartmann-6');
  results.push(await benchHpoQuality({ workDir, log }));
}

const fmt = (s: number): string => (s < 0.001 ? `${(s * 1e6).toFixed(0)} µs` : s < 1 ? `${(s * 1e3).toFixed(1)} ms` : `${s.toFixed(2)} s`);
const md: string[] = [
  '# Benchmarks',
  '',
  `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}.`,
  'Reproduce everything with `npm run bench` (or one section with the command under its title).',
  'Each figure is compared with its peer measured in the same run; the ratio is what matters, not the absolute time.',
  '',
];
for (const r of results) {
  md.push(`## ${r.name}`, '', `Command: \`${r.command}\``, '', '| measurement | time | note |', '|---|---|---|');
  for (const row of r.rows) md.push(`| ${row.label} | ${fmt(row.seconds)} | ${row.note ?? ''} |`);
  md.push('', '| ratio | value | target | met |', '|---|---|---|---|');
  for (const x of r.ratios) md.push(`| ${x.label} | ${x.value.toFixed(2)}× | ${x.target ?? ''} | ${x.pass === undefined ? '' : x.pass ? 'yes' : '**no**'} |`);
  for (const n of r.notes ?? []) md.push('', `Note: ${n}`);
  md.push('');
}
if (all) writeFileSync(join(root, 'BENCHMARKS.md'), md.join('\n'));
process.stdout.write(md.join('\n'));
