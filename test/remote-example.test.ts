/**
 * examples/remote/experiment.yaml end to end: one experiment whose shards run on the local
 * machine, in a Docker container, on an SSH server and on a Slurm cluster (each moved by its
 * `target:` line), and a sandboxed check of the merged result — all real services, the
 * targets.yaml written the way a user writes it.
 */
import Docker from 'dockerode';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ensureImage } from '../kernel/dispatch/docker/images';
import { decodeJson } from '../kernel/store/json-column';
import { ensureCli, openKernel, ROOT, sgr } from './helpers';
import { requireDocker, sharedDockerd, type DockerdHandle } from './services/dockerd';
import { SLURM_START_TIMEOUT_MS } from './services/slurm';
import { slurmOverSsh, type SlurmOverSsh } from './services/slurm/fixture';

const EXAMPLE = join(ROOT, 'examples', 'remote', 'experiment.yaml');

describe.runIf(requireDocker())('examples/remote: the same steps on local, docker, ssh and slurm', () => {
  let cluster: SlurmOverSsh;
  let daemon: DockerdHandle;
  let image: string;
  let home: string;

  beforeAll(async () => {
    daemon = await sharedDockerd();
    image = await ensureImage(new Docker({ socketPath: daemon.socket }), 'python', (l) => process.stderr.write(`[python image] ${l}\n`));
    cluster = await slurmOverSsh();
    home = realpathSync(mkdtempSync(join(tmpdir(), 'sgr-remote-example-')));
    const ssh = cluster.sshd.target();
    writeFileSync(join(home, 'targets.yaml'), stringify({
      targets: {
        box: { kind: 'docker', socket: `unix://${daemon.socket}`, image },
        gpu1: { ...ssh, root: join(cluster.shared, 'gpu1') },
        login: ssh,
        cluster: cluster.target(),
      },
    }));
  }, SLURM_START_TIMEOUT_MS);
  afterAll(async () => {
    await cluster?.stop();
    await cluster?.slurm.stop();
    await daemon?.dispose();
    if (home) rmSync(home, { recursive: true, force: true });
  }, 120_000);

  it('runs to COMPLETED; every shard ran where its target says and the shards add up', async () => {
    ensureCli();
    const r = await sgr(home, ['run', EXAMPLE]);
    expect(r.code, r.stderr).toBe(0);
    const runId = r.stdout.split('\n')[0]!;
    // Each remote target mirrors its jobs under jobs/<target>/: the shard really went there.
    expect(existsSync(join(home, 'jobs', `${runId}.shard_0.1`))).toBe(true);
    expect(existsSync(join(home, 'jobs', 'box', `${runId}.shard_1.1`))).toBe(true);
    expect(existsSync(join(home, 'jobs', 'gpu1', `${runId}.shard_2.1`))).toBe(true);
    expect(existsSync(join(home, 'jobs', 'cluster', `${runId}.shard_3.1`))).toBe(true);

    const kernel = openKernel(home);
    try {
      const outputs = (id: string) => decodeJson<Record<string, unknown>>(kernel.steps(runId).find((s) => s.step_id === id)!.outputs_json, kernel.journal.blobs)!;
      const numbers = Array.from({ length: 3000 }, (_, i) => ((i + 1) * 7919) % 1000);
      const merged = kernel.cas.readSync((outputs('merge').file as { $artifact: string }).$artifact).toString('utf8');
      const shards = merged.trim().split('\n').map((l) => JSON.parse(l) as { shard: number; count: number; sum: number });
      expect(shards.map((s) => s.shard)).toEqual([0, 1, 2, 3]);
      for (const s of shards) {
        const mine = numbers.filter((_, i) => i % 4 === s.shard);
        expect(s).toMatchObject({ count: mine.length, sum: mine.reduce((a, b) => a + b, 0) });
      }
      const check = outputs('check') as { exitCode: number; stdout: string; contained: string[] };
      expect(check.exitCode).toBe(0);
      expect(JSON.parse(check.stdout)).toEqual({ shards: 4, count: 3000, sum: numbers.reduce((a, b) => a + b, 0) });
      expect(check.contained).toEqual([]);
    } finally {
      await kernel.close();
    }
    // `sgr logs` reads a remote job's mirrored log like a local one.
    const logs = await sgr(home, ['logs', runId, 'check']);
    expect(logs.stdout).toContain('"count": 3000');
    expect(readFileSync(join(home, 'targets.yaml'), 'utf8')).toContain('kind: slurm');
  }, 600_000);
});
