/** Shared helpers for kernel integration tests: temp homes, plans, the built CLI. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { builtinSkills } from '../skills';
import { Kernel } from '../kernel/api/kernel';
import { planSchema, type Plan } from '../kernel/common/plan';

export const ROOT = resolve(import.meta.dirname, '..');
export const CLI = join(ROOT, 'dist', 'sgr.mjs');

export function tempDir(prefix = 'sgr-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function openKernel(home: string = tempDir()): Kernel {
  return Kernel.open({ home, skills: builtinSkills });
}

/** @example plan({ steps: [{ id: 'a', skill: 'noop' }] }) */
export function plan(p: { name?: string; concurrency?: number; baseDir?: string; steps: unknown[]; budget?: unknown }): Plan {
  return planSchema.parse({ name: 'test', ...p, steps: p.steps.map((s) => ({ capabilities: ['subprocess'], ...(s as object) })) });
}

export async function runPlan(kernel: Kernel, p: Plan): Promise<{ runId: string; state: string }> {
  const runId = kernel.createRun(p);
  const state = await kernel.execute(runId);
  return { runId, state };
}

/** Builds dist/sgr.mjs once per test process if it is missing (npm test builds it first). */
export function ensureCli(): string {
  if (!existsSync(CLI)) {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
  }
  return CLI;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `sgr` with SGR_HOME=home; resolves when it exits. */
export function sgr(home: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolveP) => {
    const child = spawn(process.execPath, [ensureCli(), ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, SGR_HOME: home, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code, signal) => resolveP({ code, signal, stdout, stderr }));
  });
}

/** Starts `sgr <args>`, waits for the run id line, SIGKILLs it `delayMs` later. Returns the run id. */
export function startAndKill(home: string, args: string[], delayMs: number): Promise<{ runId: string | null; finished: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [ensureCli(), ...args], { cwd: ROOT, env: { ...process.env, SGR_HOME: home }, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    let runId: string | null = null;
    let timer: NodeJS.Timeout | null = null;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (runId === null && out.includes('\n')) {
        runId = out.split('\n')[0] ?? null;
        timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.on('exit', (_code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ runId, finished: signal !== 'SIGKILL' });
    });
  });
}


/**
 * Polls `fn` until it returns something other than null, undefined or false; throws naming
 * `what` after `timeoutMs`. For waiting on real processes and files, never for timing.
 * @example const pid = await until('the job pid', () => readPid(dir), 20_000);
 */
export async function until<T>(
  what: string,
  fn: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  timeoutMs = 60_000,
  everyMs = 25,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== null && v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
