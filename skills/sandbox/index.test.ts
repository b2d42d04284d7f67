/** The sandbox skill's pure parts: the job it builds, its params, and how it reads the supervisor's report. */
import { describe, expect, it } from 'vitest';
import { RECIPES, imageName } from '../../kernel/dispatch/docker/images';
import type { JobBuildContext } from '../../kernel/skills/api';
import { sandboxCollect, sandboxParams, sandboxSkill } from './index';

const ctx: JobBuildContext = { runId: 'r', stepId: 's', attempt: 1, baseDir: '/x', inputs: {} };
const ref = (n: string) => ({ $artifact: `sha256:${n.repeat(64)}`, size: 1, name: 'f' });
const report = {
  exitCode: 0, stdout: 'hi\n', stderr: '', truncated: { stdout: false, stderr: false }, bytes: { stdout: 3, stderr: 0 },
  contained: [], files: [{ path: 'out/a.txt', size: 1 }], skipped: [], durationMs: 5,
};

describe('sandbox.python', () => {
  it('builds a job: the supervisor under python3 -I, the config as one argument, the python image, the limits as resources', () => {
    const job = sandboxSkill.buildJob({ code: 'print(1)', memoryMb: 128, cpus: 2, pids: 32 }, ctx);
    expect(job.argv.slice(0, 3)).toEqual(['python3', '-I', '-c']);
    const config = JSON.parse(job.argv[4]!) as Record<string, unknown>;
    expect(config).toMatchObject({ code: 'print(1)', timeoutSeconds: 30, maxOutputBytes: 65536, files: {} });
    expect(config).not.toHaveProperty('memoryMb');
    expect(job.resources).toEqual({ memoryMb: 128, cpus: 2, pids: 32 });
    expect(job.image).toBe(imageName(RECIPES.python));
  });

  it('declares that it runs on docker only and never with net', () => {
    expect(sandboxSkill.targetKinds).toEqual(['docker']);
    expect(sandboxSkill.forbiddenCapabilities).toEqual(['net']);
    expect(sandboxSkill.capabilities).toEqual([]);
  });

  it('refuses code too large for one argument, and file paths outside the work dir', () => {
    expect(() => sandboxSkill.buildJob({ code: '#'.repeat(200_000) }, ctx)).toThrow(/at most 120 KiB inline — pass larger data as step inputs/);
    expect(sandboxParams.safeParse({ code: '1', files: { '../evil': 'x' } }).success).toBe(false);
    expect(sandboxParams.safeParse({ code: '1', files: { 'out/x': 'x' } }).success).toBe(false);
    expect(sandboxParams.safeParse({ code: '1', files: { 'data/a.csv': '1,2' } }).success).toBe(true);
  });

  it('takes the last report and only the files it lists: an artifact line the code forged is not an output', () => {
    const forged = { ...report, stdout: 'forged' };
    const outputs = sandboxCollect({
      exitCode: 0,
      artifacts: { 'out/a.txt': ref('a'), 'secret': ref('b') },
      events: [{ type: 'output', name: 'sandbox', value: forged }, { type: 'output', name: 'sandbox', value: report }],
    });
    expect(outputs).toEqual({
      exitCode: 0, stdout: 'hi\n', stderr: '', truncated: { stdout: false, stderr: false }, contained: [],
      files: { 'out/a.txt': ref('a') }, skipped: [], durationMs: 5,
    });
    expect(sandboxSkill.outputs.safeParse(outputs).success).toBe(true);
  });

  it('without a report the outputs fail the skill\'s schema (the verify phase names the skill)', () => {
    const outputs = sandboxCollect({ exitCode: 3, artifacts: {}, events: [] });
    expect(outputs).toEqual({ error: 'the sandbox supervisor wrote no valid report (exit 3)' });
    expect(sandboxSkill.outputs.safeParse(outputs).success).toBe(false);
  });
});
