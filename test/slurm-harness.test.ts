/** The single-node Slurm harness itself: it comes up, runs a batch job and accounts for it. */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSlurm, SLURM_START_TIMEOUT_MS, type SlurmCluster } from './services/slurm';

let slurm: SlurmCluster;
beforeAll(async () => {
  slurm = await startSlurm();
  console.log(`slurm harness: cluster up in ${slurm.startupMs} ms`);
}, SLURM_START_TIMEOUT_MS);
afterAll(() => slurm?.stop(), 60_000);

it('runs a batch job and sacct reports it COMPLETED with its exit code', async () => {
  const id = execFileSync('sbatch', ['--parsable', '--output=/dev/null', '--wrap', 'exit 3'], { env: slurm.env, encoding: 'utf8' }).trim();
  let row = '';
  for (let i = 0; i < 300 && !/FAILED|COMPLETED/.test(row); i++) {
    await new Promise((r) => setTimeout(r, 200));
    row = execFileSync('sacct', ['-X', '-n', '-P', '-j', id, '-o', 'JobID,State,ExitCode'], { env: slurm.env, encoding: 'utf8' }).trim();
  }
  expect(row).toBe(`${id}|FAILED|3:0`);
}, 120_000);
