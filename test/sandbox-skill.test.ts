/**
 * The code interpreter (S9) doing its job: numpy on an input file, files under out/ as
 * artifacts in the CAS, a Python error as a result (not a failed step), caps on out/ files,
 * and refusal to run anywhere but a docker target. Real dockerd, the offline python image.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeJson } from '../kernel/store/json-column';
import { plan, runPlan } from './helpers';
import { requireDocker } from './services/dockerd';
import { runSandbox, useSandbox, type SandboxOutputs } from './sandbox-support';

describe.runIf(requireDocker())('sandbox.python: the code interpreter', () => {
  const { env, open } = useSandbox();

  it('computes with numpy on an input artifact and an inline file; a file in out/ becomes an artifact', async () => {
    const k = open();
    const code = [
      'import os, numpy as np',
      'data = np.loadtxt(os.environ["SGR_INPUT_DATA"])',
      'scale = float(open("scale.txt").read())',
      'm = data.reshape(2, 2) * scale',
      'print("det", round(float(np.linalg.det(m)), 6))',
      'np.savetxt("out/matrix.csv", m, delimiter=",", fmt="%g")',
    ].join('\n');
    const { runId, state } = await runPlan(k, plan({
      steps: [
        { id: 'make', skill: 'shell', params: { command: 'printf "1\\n2\\n3\\n4\\n" > data.txt', outputs: { data: 'data.txt' } } },
        { id: 'code', skill: 'sandbox.python', target: 'box', capabilities: [], inputs: { data: '${steps.make.outputs.data}' }, params: { code, files: { 'scale.txt': '2' } } },
      ],
    }));
    const row = k.steps(runId).find((s) => s.step_id === 'code')!;
    expect(state, row.error ?? '').toBe('COMPLETED');
    const out = decodeJson<SandboxOutputs>(row.outputs_json, k.journal.blobs)!;
    expect(out).toMatchObject({ exitCode: 0, stdout: 'det -8.0\n', stderr: '', contained: [], truncated: { stdout: false, stderr: false } });
    expect(Object.keys(out.files)).toEqual(['out/matrix.csv']);
    const ref = out.files['out/matrix.csv']!;
    expect((await k.cas.read(ref.$artifact)).toString()).toBe('2,4\n6,8\n');
  });

  it('a Python exception is a result: exit code 1 and the traceback in stderr, the step completes', async () => {
    const r = await runSandbox(open(), { code: 'print("before")\nraise ValueError("boom")' });
    expect(r.state).toBe('COMPLETED');
    expect(r.outputs.exitCode).toBe(1);
    expect(r.outputs.stdout).toBe('before\n');
    expect(r.outputs.stderr).toContain('ValueError: boom');
    expect(r.outputs.stderr).toContain('main.py", line 2');
  });

  it('caps out/ files by count and size; what is left out is listed with the reason', async () => {
    const code = [
      'for i in range(3):',
      '    open(f"out/f{i}.txt", "w").write(str(i))',
      'open("out/big.bin", "wb").write(b"x" * 5000)',
      'import os',
      'os.symlink("/etc/passwd", "out/link")',
    ].join('\n');
    const r = await runSandbox(open(), { code, maxFiles: 2, maxFileBytes: 4096 });
    expect(r.state).toBe('COMPLETED');
    // Sorted walk: big.bin (too big), f0, f1 kept, f2 over the count, the symlink never followed.
    expect(Object.keys(r.outputs.files)).toEqual(['out/f0.txt', 'out/f1.txt']);
    expect(r.outputs.skipped).toEqual([
      { path: 'out/big.bin', why: 'over the file size cap' },
      { path: 'out/f2.txt', why: 'more than 2 files' },
      { path: 'out/link', why: 'not a regular file' },
    ]);
    expect(r.outputs.contained).toEqual(['files']);
  });

  it('refuses to run on a target that is not docker, naming the step and the target', async () => {
    const r = await runSandbox(open(), { code: 'print(1)' }, { target: 'local' });
    expect(r.state).toBe('FAILED');
    expect(r.step.failure_class).toBe('policy');
    expect(r.step.error).toBe('step "code": skill sandbox.python runs only on a docker target, but target "local" is of kind local — set the step\'s target: to a docker target');
    expect(r.step.job_id).toBeNull();
  });

  it('runs in a container with the skill\'s limits: memory, CPUs, no network, read-only root, the python image', async () => {
    const k = open();
    // The code waits for a file the test writes once it has inspected the running container.
    const code = 'import os, time\nwhile not os.path.exists("go"):\n    time.sleep(0.05)\nprint("ok")';
    const runId = k.createRun(plan({ steps: [{ id: 'code', skill: 'sandbox.python', target: 'box', capabilities: [], params: { code, memoryMb: 200, cpus: 0.5 } }] }));
    const done = k.execute(runId);
    let running: Awaited<ReturnType<typeof env.docker.listContainers>> = [];
    for (let i = 0; i < 600 && running.length === 0; i++) {
      running = await env.docker.listContainers({ filters: { label: [`sgr.run=${runId}`], status: ['running'] } });
      if (running.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(running).toHaveLength(1);
    const info = await env.docker.getContainer(running[0]!.Id).inspect();
    writeFileSync(join(info.Config.WorkingDir, 'go'), '');
    expect(await done).toBe('COMPLETED');
    expect(info.HostConfig).toMatchObject({ Memory: 200 * 1024 * 1024, NanoCpus: 500_000_000, NetworkMode: 'none', ReadonlyRootfs: true, CapDrop: ['ALL'] });
    expect(info.Config.Image).toBe(env.image);
    const row = k.steps(runId).find((s) => s.step_id === 'code')!;
    expect(decodeJson<SandboxOutputs>(row.outputs_json, k.journal.blobs)?.stdout).toBe('ok\n');
  });
});
