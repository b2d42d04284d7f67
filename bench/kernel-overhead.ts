/**
 * Kernel overhead per durable no-op step vs a raw better-sqlite3 commit at the same
 * `synchronous` setting (FULL, WAL), in the same run and directory. The no-op steps form a
 * chain, so each one waits for its predecessor's durable commit: one fsync per step, and
 * the ratio shows what the lifecycle adds on top of that fsync.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { builtinSkills } from '../skills';
import { Kernel } from '../kernel/api/kernel';
import { planSchema } from '../kernel/common/plan';
import { median, seconds, type BenchResult } from './types';

export async function benchKernelOverhead(opts: { workDir: string; steps?: number; reps?: number; log?: (l: string) => void }): Promise<BenchResult> {
  const n = opts.steps ?? 500;
  const reps = opts.reps ?? 3;
  const log = opts.log ?? (() => undefined);
  const raw: number[] = [];
  const kernelTimes: number[] = [];
  const commitsPerStep: number[] = [];
  for (let r = 0; r < reps; r++) {
    const dir = mkdtempSync(join(opts.workDir, 'overhead-'));
    const db = new Database(join(dir, 'raw.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    const ins = db.prepare('INSERT INTO t (v) VALUES (?)');
    let t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) db.transaction(() => ins.run(`step-${i}`)).immediate();
    raw.push(seconds(t) / n);
    db.close();

    const kernel = Kernel.open({ home: join(dir, 'home'), skills: builtinSkills });
    const plan = planSchema.parse({
      name: 'noop-chain',
      concurrency: 1,
      steps: Array.from({ length: n }, (_, i) => ({ id: `s${i}`, skill: 'noop', cache: false, ...(i > 0 ? { deps: [`s${i - 1}`] } : {}) })),
    });
    const runId = kernel.createRun(plan);
    const before = kernel.journal.commits;
    t = process.hrtime.bigint();
    const state = await kernel.execute(runId);
    kernelTimes.push(seconds(t) / n);
    commitsPerStep.push((kernel.journal.commits - before) / n);
    if (state !== 'COMPLETED') throw new Error(`noop chain ended ${state}`);
    await kernel.close();
    rmSync(dir, { recursive: true, force: true });
    log(`  rep ${r + 1}/${reps}: raw commit ${(raw[r]! * 1e6).toFixed(0)} µs, kernel step ${(kernelTimes[r]! * 1e6).toFixed(0)} µs`);
  }
  const rawM = median(raw);
  const kM = median(kernelTimes);
  return {
    name: 'Kernel overhead per durable no-op step',
    command: 'npm run bench -- overhead',
    rows: [
      { label: 'raw better-sqlite3 commit (WAL, synchronous=FULL)', seconds: rawM, note: `median of ${reps} × ${n} commits, per commit` },
      { label: 'sgr no-op step (full lifecycle, durable commit)', seconds: kM, note: `median of ${reps} × ${n}-step chain, per step; ${median(commitsPerStep).toFixed(2)} transactions per step` },
    ],
    ratios: [{ label: 'sgr step / raw commit', value: kM / rawM, target: '≤ 1.5', pass: kM / rawM <= 1.5 }],
    notes: [
      'Each no-op step is exactly one journal transaction and one fsync (its state, outputs, recording and 9 phase events). The difference to the raw commit is mostly bytes, not CPU: the CPU cost is about 100 µs per step (measured with synchronous=OFF), but the step commit appends about 6 WAL frames (24 KiB: step row, recording, phase events, page splits) where the raw one-row commit appends 1–2, and with synchronous=FULL the fsync time grows with them (5.9 frames → 318–371 µs vs 3.4 frames → 266 µs in a store-level experiment). The ratio moved between 1.3× and 1.8× across runs on this VM the same day; trimming the bytes per commit (integer run keys, a compact phase record) is the next lever.',
    ],
  };
}
