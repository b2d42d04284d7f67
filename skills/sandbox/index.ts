/**
 * `sandbox.python` (S9): the code interpreter. Runs untrusted Python in a locked-down
 * container on a docker target — no network, read-only root, every capability dropped,
 * CPU/memory/pids limits from the params — under an in-container supervisor (runner.ts)
 * that adds a time limit, output caps and a report of which limit was hit.
 *
 * It refuses to run anywhere but a docker target and refuses a step that grants `net`
 * (both in the authorize phase): without the container there is no sandbox.
 */
import { z } from 'zod';
import { RECIPES, imageName } from '../../kernel/dispatch/docker/images';
import type { CollectedJob, JobSkill } from '../../kernel/skills/api';
import { artifactRefSchema } from '../utility/job-outputs';
import { RUNNER_PY } from './runner';

const KiB = 1024;
const MiB = 1024 * KiB;
/** Linux refuses a single argv string over 128 KiB (MAX_ARG_STRLEN); the config travels as one. */
const MAX_CONFIG_BYTES = 120 * KiB;

const relPath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'a file path is relative to the work directory and stays inside it')
  .refine((p) => p !== 'main.py' && !p.startsWith('out/'), 'main.py and out/ are the sandbox\'s own');

export const sandboxParams = z.strictObject({
  /** The Python source to run (as main.py in the work dir). */
  code: z.string().min(1),
  args: z.array(z.union([z.string(), z.number()]).transform(String)).default([]),
  /** Small text files written into the work dir before the code runs (larger data: step inputs). */
  files: z.record(relPath, z.string()).default({}),
  /** Wall-clock limit of the code, seconds. */
  timeoutSeconds: z.number().positive().max(24 * 3600).default(30),
  memoryMb: z.number().int().min(16).max(1024 * 1024).default(512),
  cpus: z.number().positive().max(1024).default(1),
  /** Most processes at once (fork-bomb guard; the supervisor and Python's own threads count). */
  pids: z.number().int().min(8).max(65536).default(64),
  /** Per stream; the rest is drained and dropped. */
  maxOutputBytes: z.number().int().min(KiB).max(64 * MiB).default(64 * KiB),
  maxFiles: z.number().int().min(0).max(10_000).default(32),
  maxFileBytes: z.number().int().min(0).default(16 * MiB),
  maxTotalFileBytes: z.number().int().min(0).default(64 * MiB),
});
export type SandboxParams = z.infer<typeof sandboxParams>;

/** Limits the supervisor reports as hit. `memory` also fails the step with class `oom` (the engine reports the kill). */
export const CONTAINED = ['timeout', 'memory', 'pids', 'output', 'files'] as const;

const reportSchema = z.object({
  exitCode: z.number().int(),
  stdout: z.string(),
  stderr: z.string(),
  truncated: z.object({ stdout: z.boolean(), stderr: z.boolean() }),
  bytes: z.object({ stdout: z.number().int(), stderr: z.number().int() }),
  contained: z.array(z.enum(CONTAINED)),
  files: z.array(z.object({ path: z.string(), size: z.number().int() })),
  skipped: z.array(z.object({ path: z.string(), why: z.string() })),
  durationMs: z.number().int(),
});

export const sandboxOutputs = z.strictObject({
  exitCode: z.number().int(),
  stdout: z.string(),
  stderr: z.string(),
  truncated: z.object({ stdout: z.boolean(), stderr: z.boolean() }),
  contained: z.array(z.enum(CONTAINED)),
  /** Files the code wrote under out/, by path relative to the work dir (`out/plot.png`). */
  files: z.record(z.string(), artifactRefSchema),
  skipped: z.array(z.object({ path: z.string(), why: z.string() })),
  durationMs: z.number().int(),
});

/** The supervisor's report (the last `sandbox` output line) turned into the step's outputs. */
export function sandboxCollect(job: CollectedJob): Record<string, unknown> {
  const lines = job.events.filter((e) => e.type === 'output' && e.name === 'sandbox');
  const last = lines.at(-1);
  const parsed = reportSchema.safeParse(last?.type === 'output' ? last.value : undefined);
  if (!parsed.success) {
    // Leave the outputs incomplete: the verify phase then fails the step, naming the skill.
    return { error: `the sandbox supervisor wrote no valid report (exit ${job.exitCode ?? 'none'})` };
  }
  const r = parsed.data;
  // Only files the supervisor listed: a forged artifact line from the code itself is not an output.
  const files: Record<string, unknown> = {};
  for (const f of r.files) if (job.artifacts[f.path]) files[f.path] = job.artifacts[f.path];
  const { bytes: _bytes, files: _files, ...rest } = r;
  return { ...rest, files };
}

export const sandboxSkill: JobSkill = {
  kind: 'job',
  name: 'sandbox.python',
  version: '1.0.0',
  description: 'Run untrusted Python in a locked-down container (no network, read-only root, no capabilities, CPU/memory/pids/time limits, capped output); returns stdout, stderr, exit code and out/ files.',
  capabilities: [],
  forbiddenCapabilities: ['net'],
  targetKinds: ['docker'],
  params: sandboxParams,
  outputs: sandboxOutputs,
  buildJob(raw) {
    const p = sandboxParams.parse(raw);
    const { memoryMb, cpus, pids, ...runnerConfig } = p;
    const config = JSON.stringify(runnerConfig);
    const size = Buffer.byteLength(config);
    if (size > MAX_CONFIG_BYTES) {
      throw new Error(`params.code and params.files total ${Math.round(size / KiB)} KiB; the sandbox takes at most ${MAX_CONFIG_BYTES / KiB} KiB inline — pass larger data as step inputs`);
    }
    return {
      // -I: the supervisor ignores PYTHON* variables and the user site; the code runs in a child.
      argv: ['python3', '-I', '-c', RUNNER_PY, config],
      resources: { memoryMb, cpus, pids },
      image: imageName(RECIPES.python),
    };
  },
  collect: sandboxCollect,
};
