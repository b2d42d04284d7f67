/** Shared setup of the sandbox tests: a private dockerd with the python image, a home whose docker target is `box`. */
import { realpathSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Kernel } from '../kernel/api/kernel';
import { ensureImage } from '../kernel/dispatch/docker/images';
import { decodeJson } from '../kernel/store/json-column';
import type { StepRow } from '../kernel/store/steps-repo';
import { openKernel, plan, runPlan } from './helpers';
import { sharedDockerd, type DockerdHandle } from './services/dockerd';

/** Cold, the python image is a debootstrap (about a minute, longer on a busy machine); cached, an import of seconds. */
export const IMAGE_TIMEOUT_MS = 600_000;

export interface SandboxEnv {
  daemon: DockerdHandle;
  docker: Docker;
  image: string;
}

export async function sandboxEnv(): Promise<SandboxEnv> {
  const daemon = await sharedDockerd();
  const docker = new Docker({ socketPath: daemon.socket });
  const image = await ensureImage(docker, 'python', (line) => process.stderr.write(`[python image] ${line}\n`));
  return { daemon, docker, image };
}

/**
 * A fresh $SGR_HOME with targets.yaml: `box` on the private engine, with the engine's
 * defaults: the pids limit a fork bomb meets is the skill's own (`pids`, default 64).
 */
export function sandboxHome(env: SandboxEnv): string {
  const home = realpathSync(mkdtempSync(join(tmpdir(), 'sgr-sandbox-')));
  writeFileSync(join(home, 'targets.yaml'), `targets:\n  box: { kind: docker, socket: "unix://${env.daemon.socket}" }\n`);
  return home;
}

export interface SandboxResult {
  runId: string;
  state: string;
  step: StepRow;
  outputs: SandboxOutputs;
}

export interface SandboxOutputs {
  exitCode: number;
  stdout: string;
  stderr: string;
  truncated: { stdout: boolean; stderr: boolean };
  contained: string[];
  files: Record<string, { $artifact: string; size: number; name: string }>;
  skipped: Array<{ path: string; why: string }>;
  durationMs: number;
}

/** Runs one `sandbox.python` step (target `box` unless given) and returns its row and outputs. */
export async function runSandbox(kernel: Kernel, params: Record<string, unknown>, step: Record<string, unknown> = {}): Promise<SandboxResult> {
  const { runId, state } = await runPlan(kernel, plan({ steps: [{ id: 'code', skill: 'sandbox.python', target: 'box', capabilities: [], params, ...step }] }));
  const row = kernel.steps(runId).find((s) => s.step_id === 'code');
  if (!row) throw new Error(`run ${runId} has no step "code"`);
  const outputs = decodeJson<SandboxOutputs>(row.outputs_json, kernel.journal.blobs) ?? ({} as SandboxOutputs);
  return { runId, state, step: row, outputs };
}

/**
 * Registers the hooks every sandbox test file needs (the engine with the python image before
 * all, the kernel closed after each test, the engine disposed after all) and returns the
 * environment (filled once beforeAll ran) and `open()`, a kernel on a fresh sandbox home.
 * @example const { env, open } = useSandbox(); it('…', async () => { const k = open(); … });
 */
export function useSandbox(): { env: SandboxEnv; open(): Kernel } {
  const env = {} as SandboxEnv;
  let kernel: Kernel | null = null;
  beforeAll(async () => {
    Object.assign(env, await sandboxEnv());
  }, IMAGE_TIMEOUT_MS);
  afterEach(async () => {
    await kernel?.close();
    kernel = null;
  });
  afterAll(async () => {
    await env.daemon?.dispose();
  });
  return { env, open: () => (kernel = openKernel(sandboxHome(env))) };
}

export { openKernel };
