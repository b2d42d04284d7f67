/**
 * Throughput benchmark, not a test: `SGR_BENCH=1 npx vitest run kernel/dispatch/local/bench`
 * (SGR_BENCH_ROUNDS=n, SGR_BENCH_DIR=/dev/shm to run on tmpfs).
 * 200 trivial jobs at concurrency 2 through the dispatcher, against `make -j2` and plain
 * child_process.spawn doing the same work. Prints figures; asserts only correctness.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalDispatcher } from './local-dispatcher';
import { sandbox, shellSpec } from './test-support';

const N = 200;
const ROUNDS = Number(process.env.SGR_BENCH_ROUNDS ?? 7);

async function pool(n: number, concurrency: number, run: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await run(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface Sample {
  wallMs: number;
  /** CPU of the whole Node process, libuv's thread pool included. */
  cpuMs: number;
  /** Time the event loop (the main thread) was busy: what the UI would feel. */
  loopMs: number;
}

async function timed(fn: () => Promise<void>): Promise<Sample> {
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  await fn();
  const cpu = process.cpuUsage(cpu0);
  const elu = performance.eventLoopUtilization(elu0);
  return { wallMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, loopMs: elu.active };
}

describe.skipIf(!process.env.SGR_BENCH)('local dispatcher throughput', () => {
  it(`${N} jobs "echo $i > out/$i.txt" at concurrency 2`, async () => {
    // SGR_BENCH_DIR=/dev/shm separates process costs from file-creation costs of the disk.
    const box = await sandbox(process.env.SGR_BENCH_DIR);
    const out = join(box.work, 'out');
    const fresh = async () => {
      await rm(out, { recursive: true, force: true });
      await mkdir(out, { recursive: true });
    };
    const rows: Record<string, Sample[]> = { make: [], spawn: [], dispatcher: [], 'dispatcher+collect': [] };

    const targets = Array.from({ length: N }, (_, i) => `out/${i}.txt`);
    const makefile = `all: ${targets.join(' ')}\nout/%.txt:\n\techo $* > $@\n`;
    await mkdir(box.work, { recursive: true });
    await writeFile(join(box.work, 'Makefile'), makefile);

    for (let round = 0; round < ROUNDS; round++) {
      await fresh();
      rows.make!.push(await timed(async () => void spawnSync('make', ['-s', '-j2', '-C', box.work], { stdio: 'ignore' })));
      expect(await readdir(out)).toHaveLength(N);

      await fresh();
      rows.spawn!.push(
        await timed(() =>
          pool(N, 2, (i) => new Promise((resolve) => spawn('/bin/sh', ['-c', `echo ${i} > out/${i}.txt`], { cwd: box.work }).once('exit', () => resolve()))),
        ),
      );
      expect(await readdir(out)).toHaveLength(N);

      for (const withCollect of [false, true]) {
        await fresh();
        const root = join(box.root, `r${round}${withCollect ? 'c' : ''}`);
        const d = new LocalDispatcher({ root });
        // Warm the launcher outside the timed region, as a long-lived kernel would have it.
        await d.submit(shellSpec('warm.up.1', box.work, 'true'));
        await d.wait('warm.up.1');
        const row = await timed(() =>
          pool(N, 2, async (i) => {
            const id = `bench.s${i}.1`;
            await d.submit(shellSpec(id, box.work, `echo ${i} > out/${i}.txt`, { outputs: { out: `out/${i}.txt` } }));
            const s = await d.wait(id);
            if (s.exitCode !== 0) throw new Error(`${id} exited ${s.exitCode}`);
            if (withCollect) await d.collect(id);
          }),
        );
        rows[withCollect ? 'dispatcher+collect' : 'dispatcher']!.push(row);
        await d.close();
        expect(await readdir(out)).toHaveLength(N);
      }
    }
    const ms = (xs: number[]) => `${median(xs).toFixed(0)}`.padStart(5);
    const lines = Object.entries(rows).map(
      ([name, r]) =>
        `${name.padEnd(19)} wall median ${ms(r.map((x) => x.wallMs))} ms, min ${Math.min(...r.map((x) => x.wallMs)).toFixed(0)}` +
        ` | node cpu ${ms(r.map((x) => x.cpuMs))} ms | main thread busy ${ms(r.map((x) => x.loopMs))} ms` +
        `  (walls: ${r.map((x) => x.wallMs.toFixed(0)).join(' ')})`,
    );
    console.log(`\n${N} jobs, concurrency 2, ${ROUNDS} rounds\n${lines.join('\n')}\n`);
    await box.cleanup();
  });
});
