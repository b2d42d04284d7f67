/**
 * `npm run bench [-- overhead|dag|cas|hpo|ablation|metrics|browser|chart|editor ...]`: runs the
 * benchmarks, each against its peer in the same run, and writes BENCHMARKS.md (figures +
 * ratios + the reproducing command); a partial run replaces only its own sections.
 */
import { cpus } from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { benchAblation } from './ablation';
import { benchCasIngest } from './cas-ingest';
import { benchDag200 } from './dag-200';
import { benchHpoQuality } from './hpo-quality';
import { benchKernelOverhead } from './kernel-overhead';
import { benchChart } from './chart';
import { benchEditor } from './editor';
import { benchDispatch } from './dispatch';
import { benchRunsBrowser } from './runs-browser';
import { benchMetrics } from './metrics';
import { benchSched, schedN } from './sched';
import type { BenchResult } from './types';

const root = resolve(import.meta.dirname, '..');
const workDir = join(root, 'bench', '.work');
mkdirSync(workDir, { recursive: true });
const log = (l: string): void => void process.stderr.write(`${l}\n`);
// `--name=value` flags belong to a benchmark (e.g. --sched-n=100), not to the list of names.
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const all = wanted.length === 0;

const sgrCli = join(root, 'bin', 'sgr.mjs');
/** Every benchmark by its command-line name, in the order a full run takes them. */
const BENCHES: Array<{ name: string; title: string; run: () => Promise<BenchResult> }> = [
  { name: 'overhead', title: 'kernel overhead per durable no-op step', run: () => benchKernelOverhead({ workDir, log }) },
  { name: 'dag', title: '200-step DAG vs make and snakemake', run: () => benchDag200({ workDir, sgrCli, log }) },
  { name: 'cas', title: 'CAS ingest of 1 GiB vs cp, openssl, git', run: () => benchCasIngest({ workDir, log }) },
  { name: 'hpo', title: 'HPO quality, TPE vs Optuna on Branin and Hartmann-6', run: () => benchHpoQuality({ workDir, log }) },
  { name: 'ablation', title: 'rank-ablation example, fresh and cached, vs the same trainer commands without an orchestrator', run: () => benchAblation({ workDir, sgrCli, root, log }) },
  { name: 'metrics', title: 'metric ingest (appendMetrics vs raw inserts) and a 1M-point series query (rollups vs full scan)', run: () => benchMetrics({ workDir, log }) },
  { name: 'browser', title: 'runs browser at 100k runs, input to painted first row in Chromium vs runs.list alone', run: () => benchRunsBrowser({ workDir, sgrCli, log }) },
  { name: 'chart', title: '1M-point metric series from the journal to a drawn chart in Chromium', run: () => benchChart({ workDir, sgrCli, log }) },
  { name: 'dispatch', title: 'dispatch latency (submit → running, submit → end detected) on local, docker, ssh and slurm vs the plain tools', run: () => benchDispatch({ workDir, log }) },
  { name: 'sched', title: 'scheduler overhead: 1,000 one-second jobs on 2 slots vs the ideal and make -j2', run: () => benchSched({ workDir, sgrCli, n: schedN(process.argv), log }) },
  { name: 'editor', title: 'experiment editor with a 1,000-step DAG in Chromium (open + layout, drag frame times) vs a bare React Flow page', run: () => benchEditor({ workDir, sgrCli, root, log }) },
];
const unknown = wanted.filter((w) => !BENCHES.some((b) => b.name === w));
if (unknown.length > 0) {
  log(`bench: unknown benchmark ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.name).join(', ')}`);
  process.exit(2);
}

const results: BenchResult[] = [];
for (const b of BENCHES) {
  if (!all && !wanted.includes(b.name)) continue;
  log(`bench: ${b.title}`);
  results.push(await b.run());
}

const fmt = (s: number): string => (s < 0.001 ? `${(s * 1e6).toFixed(0)} µs` : s < 1 ? `${(s * 1e3).toFixed(1)} ms` : `${s.toFixed(2)} s`);
const header = [
  '# Benchmarks',
  '',
  `Measured on ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}; each section has its date.`,
  'Reproduce everything with `npm run bench` (or one section with the command under its title).',
  'Each figure is compared with its peer measured in the same run; the ratio is what matters, not the absolute time.',
  '',
];
const today = new Date().toISOString().slice(0, 10);
const sections = new Map<string, string>();
for (const r of results) {
  const md = [`## ${r.name}`, '', `Measured ${today}. Command: \`${r.command}\``, '', '| measurement | time | note |', '|---|---|---|'];
  for (const row of r.rows) md.push(`| ${row.label} | ${fmt(row.seconds)} | ${row.note ?? ''} |`);
  md.push('', '| ratio | value | target | met |', '|---|---|---|---|');
  for (const x of r.ratios) md.push(`| ${x.label} | ${x.value.toFixed(2)}× | ${x.target ?? ''} | ${x.pass === undefined ? '' : x.pass ? 'yes' : '**no**'} |`);
  for (const n of r.notes ?? []) md.push('', `Note: ${n}`);
  md.push('');
  sections.set(r.name, md.join('\n'));
}

/** Splits BENCHMARKS.md into its `## ` sections, by title, in order. */
function readSections(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(/^(?=## )/m).slice(1)) out.set(part.slice(3, part.indexOf('\n')).trim(), part.trimEnd() + '\n');
  return out;
}

const file = join(root, 'BENCHMARKS.md');
// A partial run keeps the other sections (and their hand-written analysis) as they are.
const merged = all || !existsSync(file) ? sections : new Map([...readSections(readFileSync(file, 'utf8')), ...sections]);
const text = [header.join('\n'), ...merged.values()].join('\n');
writeFileSync(file, text);
process.stdout.write([...sections.values()].join('\n'));
