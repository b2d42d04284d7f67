/**
 * Benchmark of Cas.putFile against the tools that bound it: cp (copy floor), cp + fsync,
 * openssl (hash floor) and git hash-object (a peer CAS). One large random file, page
 * cache left warm, each step timed in-process around the command.
 */
import { execFileSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { Cas } from '../kernel/cas';
import type { BenchResult } from './types';

export type { BenchResult };

/** Options of benchCasIngest. */
export interface CasIngestOptions {
  /** Scratch directory; the input file is kept there for reuse, everything else removed. */
  workDir: string;
  /** Input size, default 1024 (1 GiB). */
  sizeMiB?: number;
  /** Repetitions of each timed step (median reported), default 3; git always runs once. */
  reps?: number;
  log?: (line: string) => void;
}

const MiB = 1024 * 1024;

async function ensureInput(path: string, bytes: number, log: (l: string) => void): Promise<void> {
  try {
    if (statSync(path).size === bytes) return log(`cas-ingest: reusing ${path}`);
  } catch {
    // absent: create it below
  }
  log(`cas-ingest: writing ${bytes / MiB} MiB of random bytes to ${path}`);
  const fh = await open(path, 'w');
  try {
    const buf = Buffer.allocUnsafe(4 * MiB);
    for (let done = 0; done < bytes; ) {
      const n = Math.min(buf.length, bytes - done);
      randomFillSync(buf, 0, n);
      await fh.write(buf, 0, n);
      done += n;
    }
  } finally {
    await fh.close();
  }
}

/** In-process read + node:crypto SHA-256: the floor for any JavaScript CAS on this CPU. */
async function hashInProcess(path: string): Promise<string> {
  const hash = createHash('sha256');
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(4 * MiB);
    for (let pos = 0; ; ) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
      pos += bytesRead;
    }
  } finally {
    await fh.close();
  }
  return hash.digest('hex');
}

/**
 * Touches and frees 3× the file size of anonymous memory in a child process. On VMs
 * with free page reporting, pages freed a few seconds earlier are handed back to the
 * host, and the first write into them costs 3–5× more kernel time: whichever step came
 * after a pause doubled at random. After this, every step starts on host-backed pages
 * (1.5× was enough for cp, not for the longer putFile).
 */
function prefaultMemory(bytes: number): void {
  const chunks = Math.ceil((3 * bytes) / (64 * MiB));
  run(process.execPath, ['-e', `const a = []; for (let i = 0; i < ${chunks}; i++) a.push(Buffer.alloc(${64 * MiB}, 1));`]);
}

function run(cmd: string, args: string[], cwd?: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 16 * MiB });
}

async function timed<T>(fn: () => T | Promise<T>): Promise<{ seconds: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { seconds: (performance.now() - t0) / 1000, value };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const fmt = (s: number): string => s.toFixed(3);

/**
 * Runs the CAS ingest benchmark (about a minute for 1 GiB, half of it git).
 * @example const r = await benchCasIngest({ workDir: '/tmp/sgr-bench', log: console.log })
 */
export async function benchCasIngest(opts: CasIngestOptions): Promise<BenchResult> {
  const log = opts.log ?? (() => undefined);
  const sizeMiB = opts.sizeMiB ?? 1024;
  const reps = opts.reps ?? 3;
  mkdirSync(opts.workDir, { recursive: true });
  const src = join(opts.workDir, `cas-bench-${sizeMiB}MiB.bin`);
  await ensureInput(src, sizeMiB * MiB, log);
  const copy = join(opts.workDir, 'cp-copy.bin');
  const casRoot = join(opts.workDir, 'cas-root');
  const gitRepo = join(opts.workDir, 'git-repo');
  // Nothing timed may pay for the previous step's writeback or file deletion.
  const settle = (): void => {
    rmSync(copy, { force: true });
    rmSync(casRoot, { recursive: true, force: true });
    rmSync(gitRepo, { recursive: true, force: true });
    run('sync', []);
  };

  let opensslHex = '';
  let casDigest = '';
  let jsHex = '';
  const steps: Record<string, () => unknown> = {
    cp: () => run('cp', [src, copy]),
    'cp + sync': () => {
      run('cp', [src, copy]);
      run('sync', [copy]);
    },
    'openssl dgst -sha256': () => {
      opensslHex = run('openssl', ['dgst', '-sha256', '-r', src]).split(' ')[0]!.trim();
    },
    'sha256 in-process (node:crypto)': async () => {
      jsHex = await hashInProcess(src);
    },
    'Cas.putFile': async () => {
      casDigest = (await new Cas(casRoot).putFile(src)).digest;
    },
  };
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(steps).map((k) => [k, []]));

  settle();
  await hashInProcess(src); // warm the page cache: every tool then reads from memory
  // Other work on the machine shows up directly in these timings; record how busy it was.
  const loadBefore = loadavg()[0]!;
  log(`cas-ingest: ${cpus().length} CPUs, 1-min load average ${loadBefore.toFixed(2)}`);
  for (let rep = 0; rep < reps; rep++) {
    const order = rep % 2 === 0 ? Object.keys(steps) : Object.keys(steps).reverse();
    for (const label of order) {
      settle();
      prefaultMemory(sizeMiB * MiB);
      const { seconds } = await timed(steps[label]!);
      times[label]!.push(seconds);
      log(`cas-ingest: rep ${rep + 1}/${reps} ${label}: ${fmt(seconds)} s`);
    }
  }
  settle();
  mkdirSync(gitRepo);
  run('git', ['init', '-q'], gitRepo);
  prefaultMemory(sizeMiB * MiB);
  const git = await timed(() => run('git', ['hash-object', '-w', src], gitRepo));
  log(`cas-ingest: git hash-object -w (once): ${fmt(git.seconds)} s`);
  const load = `${cpus().length} CPUs, 1-min load average ${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after`;
  settle();

  if (casDigest !== `sha256:${opensslHex}` || jsHex !== opensslHex) {
    throw new Error(`cas-ingest: digest mismatch on ${src}: Cas.putFile ${casDigest}, openssl ${opensslHex}, node:crypto ${jsHex}`);
  }
  log(`cas-ingest: digest ${casDigest} agrees with openssl`);

  const med = (label: string): number => median(times[label]!);
  const best = (label: string): number => Math.min(...times[label]!);
  const spread = (label: string): string => `best ${fmt(best(label))} s, runs ${times[label]!.map(fmt).join(' / ')} s`;
  const notes: Record<string, string> = {
    cp: 'copy floor: page cache only, no fsync (coreutils cp uses copy_file_range)',
    'cp + sync': 'cp, then `sync <copy>` (fsync of the copy)',
    'openssl dgst -sha256': 'hash floor (one process, reads from warm page cache)',
    'sha256 in-process (node:crypto)': 'read + hash only, no write: the floor for any JS CAS',
    'Cas.putFile': `read + hash + write temp + fsync file + rename + fsync dir (durable); ${load}`,
  };
  const rows: BenchResult['rows'] = Object.keys(steps).map((label) => ({
    label,
    seconds: med(label),
    note: `median of ${reps}, ${spread(label)}; ${notes[label]}`,
  }));
  rows.push({ label: 'git hash-object -w', seconds: git.seconds, note: 'run once; SHA-1 + zlib into a fresh repo' });

  const put = med('Cas.putFile');
  const x = (r: number): string => `${r.toFixed(2)}×`;
  const ratio = (label: string, value: number, target?: string, pass?: boolean) =>
    target === undefined ? { label, value } : { label, value, target, pass };
  return {
    name: `CAS ingest of a ${sizeMiB % 1024 === 0 ? `${sizeMiB / 1024} GiB` : `${sizeMiB} MiB`} file`,
    command: 'npm run bench -- cas',
    notes: [
      `Setup: page cache not dropped (input warm); before each step outputs are deleted, \`sync\` runs and ${3 * sizeMiB} MiB of memory is touched and freed (VM free-page-reporting noise).`,
      `cp uses copy_file_range: no byte passes through user space and nothing is hashed, so the ≤ 1.25× cp target is below what any hashing store can reach here — openssl's SHA-256 alone (no write) takes ${x(med('openssl dgst -sha256') / med('cp'))} cp. putFile overlaps reading, hashing and its durable write (fresh CAS root each time, so directory creation and fsyncs are included): ${x(put / med('openssl dgst -sha256'))} openssl, ${x(put / med('cp + sync'))} cp + sync (the durable copy floor), and git hash-object (the peer content-addressed store) takes ${x(git.seconds / put)} putFile.`,
    ],
    rows,
    ratios: [
      ratio('putFile / cp', put / med('cp'), '≤ 1.25', put / med('cp') <= 1.25),
      // Writes of fresh page cache on a VM can double in time at random; best runs show the code's own cost.
      ratio('putFile / cp, best runs', best('Cas.putFile') / best('cp')),
      ratio('putFile / (cp + sync)', put / med('cp + sync')),
      ratio('putFile / openssl', put / med('openssl dgst -sha256')),
      ratio('putFile / in-process sha256', put / med('sha256 in-process (node:crypto)')),
      ratio('git / putFile', git.seconds / put),
    ],
  };
}
