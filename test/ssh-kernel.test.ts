/**
 * The kernel running steps on an ssh target from targets.yaml (a real sshd on 127.0.0.1):
 * artifacts flow through the CAS with their hashes, metrics reach the journal, the job's
 * cwd is the remote directory, and a kernel killed mid-job re-attaches on resume.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJson } from '../kernel/store/json-column';
import { listMetrics } from '../kernel/store/metrics-repo';
import { ensureCli, openKernel, plan, ROOT, runPlan, sgr, tempDir } from './helpers';
import { startSshd, type Sshd } from './services/sshd';

let sshd: Sshd;
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});

/** A fresh $SGR_HOME whose targets.yaml declares `box`, this sshd with its own remote root. */
function homeWithBox(): { home: string; remoteRoot: string } {
  const home = tempDir('sgr-ssh-kernel-');
  const remoteRoot = mkdtempSync(join(tmpdir(), 'sgr-ssh-remote-'));
  const t = sshd.target();
  writeFileSync(
    join(home, 'targets.yaml'),
    `targets:\n  box:\n    kind: ssh\n    host: ${t.host}\n    port: ${t.port}\n    user: ${t.user}\n    key: ${t.key}\n    knownHosts: ${t.knownHosts}\n    root: ${remoteRoot}\n    keepaliveMs: 1000\n`,
  );
  return { home, remoteRoot };
}

type Ref = { $artifact: string };

describe('kernel on an ssh target', () => {
  it('runs a two-step DAG remotely: inputs uploaded, outputs in the CAS with matching hashes, metrics journaled', async () => {
    const { home, remoteRoot } = homeWithBox();
    const kernel = openKernel(home);
    try {
      const { runId, state } = await runPlan(kernel, plan({
        steps: [
          {
            id: 'gen', skill: 'shell', target: 'box',
            params: {
              command: 'pwd > where.txt; seq 1 5 > n.txt; for i in 1 2; do printf \'{"type":"metric","name":"loss","value":0.%s,"step":%s}\\n\' $i $i >> "$SGR_EVENTS_FILE"; done',
              outputs: { n: 'n.txt', where: 'where.txt' },
            },
          },
          { id: 'sum', skill: 'shell', target: 'box', inputs: { n: '${steps.gen.outputs.n}' }, params: { command: 'awk "{s+=\\$1} END {print s}" "$SGR_INPUT_N" > s.txt', outputs: { s: 's.txt' } } },
        ],
      }));
      expect(state).toBe('COMPLETED');
      const outputs = (step: string) => decodeJson<{ [name: string]: Ref }>(kernel.steps(runId).find((s) => s.step_id === step)?.outputs_json ?? null, kernel.journal.blobs) as { [name: string]: Ref };
      const sum = await kernel.cas.read(outputs('sum').s!.$artifact);
      expect(sum.toString()).toBe('15\n');
      expect(outputs('sum').s!.$artifact).toContain(createHash('sha256').update(sum).digest('hex'));
      // The job ran in the remote job directory, not in the kernel's local work dir.
      const where = (await kernel.cas.read(outputs('gen').where!.$artifact)).toString().trim();
      expect(where).toBe(join(remoteRoot, 'jobs', `${runId}.gen.1`, 'work'));
      expect(where.startsWith(home)).toBe(false);
      expect(listMetrics(kernel.db, runId).map((m) => [m.name, m.step, m.value])).toEqual([['loss', 1, 0.1], ['loss', 2, 0.2]]);
      // The input reached the second job through the upload of its work dir.
      expect(readdirSync(join(remoteRoot, 'jobs', `${runId}.sum.1`, 'work', 'inputs')).length).toBeGreaterThan(0);
    } finally {
      await kernel.close();
    }
  });

  it('sgr targets check probes the ssh target', async () => {
    const { home } = homeWithBox();
    const r = await sgr(home, ['targets', 'check', 'box', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/OpenSSH/);
    expect(r.stdout).toMatch(/"cpus":\s*\d+/);
  });

  it('a kernel killed mid-job re-attaches on resume: exactly one remote process ran the job', async () => {
    const { home, remoteRoot } = homeWithBox();
    const ledger = join(home, 'ledger');
    const file = join(home, 'exp.yaml');
    writeFileSync(
      file,
      `name: reattach\nsteps:\n  slow:\n    skill: shell\n    target: box\n    params:\n      command: 'echo "$$" >> ${ledger}; for i in 1 2 3 4 5 6; do echo "tick $i"; sleep 0.5; done; echo done > out.txt'\n      outputs: { out: out.txt }\n`,
    );
    const child = spawn(process.execPath, [ensureCli(), 'run', file, '-q'], { cwd: ROOT, env: { ...process.env, SGR_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise((r) => child.on('exit', r));
    const deadline = Date.now() + 30_000;
    while (!existsSync(ledger)) {
      if (Date.now() > deadline) throw new Error(`the remote job never started; sgr printed: ${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    await exited;
    const runId = out.split('\n')[0]!;
    const resumed = await sgr(home, ['resume', runId, '-q']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const show = JSON.parse((await sgr(home, ['show', runId, '--json'])).stdout) as { state: string; steps: Array<{ attempt: number; outputs: { out?: Ref } }> };
    expect(show.state).toBe('COMPLETED');
    expect(show.steps[0]?.attempt).toBe(1);
    expect(readFileSync(ledger, 'utf8').trim().split('\n')).toHaveLength(1);
    expect(readdirSync(join(remoteRoot, 'jobs'))).toEqual([`${runId}.slow.1`]);
    // The local mirror holds the whole log, each line once, though two kernels followed it.
    expect(readFileSync(join(home, 'jobs', 'box', `${runId}.slow.1`, 'stdout.log'), 'utf8')).toBe([1, 2, 3, 4, 5, 6].map((i) => `tick ${i}\n`).join(''));
    const kernel = openKernel(home);
    try {
      expect((await kernel.cas.read(show.steps[0]!.outputs.out!.$artifact)).toString()).toBe('done\n');
    } finally {
      await kernel.close();
    }
  }, 90_000);
});
