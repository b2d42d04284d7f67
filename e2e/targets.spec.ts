/**
 * Targets page (U8) on a real kernel: a card per target of targets.yaml, "Test connection"
 * against local and a target nobody answers, and a CLI run's job passing through the live
 * process table.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../test/services/sshd';
import { expect, shot, test } from './fixtures/serve';
import { TargetsPage } from './pages/targets';

let closedPort = 0;

test.beforeAll(async () => {
  closedPort = await freePort();
});

function writeTargets(home: string): void {
  writeFileSync(
    join(home, 'targets.yaml'),
    [
      'targets:',
      '  local: { kind: local, description: this machine, resources: { cpus: 2, maxJobs: 2 } }',
      `  down: { kind: ssh, host: 127.0.0.1, port: ${closedPort}, user: nobody, description: nothing listens here }`,
    ].join('\n'),
  );
}

test.use({ homeSetup: async ({}, use) => use(writeTargets) });

test('a card per target; Test connection shows resources for local and a clear error for a dead host', async ({ page, served }) => {
  const targets = new TargetsPage(page);
  await targets.open(served.url);
  await expect(targets.card('local')).toBeVisible();
  await expect(targets.card('down')).toBeVisible();
  await expect(targets.card('local').getByTestId('target-declared')).toHaveText('2 CPUs');
  await expect(targets.card('down')).toContainText(`nobody@127.0.0.1:${closedPort}`);
  await expect(targets.status('local')).toHaveAttribute('data-status', 'unknown');

  await targets.test('local');
  await expect(targets.status('local')).toHaveAttribute('data-status', 'ok');
  await expect(targets.card('local').getByTestId('target-latency')).toHaveText(/\d+ ms/);
  await expect(targets.card('local').getByTestId('target-probed')).toHaveText(/^\d+ CPUs?, [\d.]+ GiB RAM, (no GPUs|GPUs: .+)$/);

  await targets.test('down');
  await expect(targets.status('down')).toHaveAttribute('data-status', 'failed');
  await expect(targets.card('down').getByTestId('target-error')).toContainText('down');
  await shot(page, 'targets-checked');

  // The probes were recorded: a reload shows them without testing again.
  await page.reload();
  await expect(targets.status('local')).toHaveAttribute('data-status', 'ok');
  await expect(targets.status('down')).toHaveAttribute('data-status', 'failed');
});

test("a CLI run's running job appears in the process table, then leaves it", async ({ page, served }) => {
  const targets = new TargetsPage(page);
  await targets.open(served.url);
  await expect(targets.processTable).toHaveAttribute('data-count', '0');
  await expect(targets.queueTable).toBeVisible();

  const dir = mkdtempSync(join(tmpdir(), 'sgr-e2e-targets-'));
  writeFileSync(join(dir, 'experiment.yaml'), 'version: 1\nname: e2e-targets\nsteps:\n  slow:\n    skill: shell\n    params: { command: "sleep 4" }\n');
  const cli = served.spawnSgr(['run', join(dir, 'experiment.yaml')]);
  let out = '';
  cli.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => cli.on('exit', r));

  await expect(targets.processRows).toHaveCount(1);
  const runId = /^(\d{8}-\d{6}-[0-9a-f]{6})/m.exec(out)?.[1];
  expect(runId).toBeTruthy();
  const row = targets.processRow(`${runId}.slow.1`);
  await expect(row).toHaveAttribute('data-state', 'running');
  await expect(row).toHaveAttribute('data-target', 'local');
  await expect(row).toContainText('e2e-targets');
  await shot(page, 'targets-process-table');

  expect(await exited).toBe(0);
  await expect(targets.processRows).toHaveCount(0);
  await expect(targets.processTable).toHaveAttribute('data-count', '0');
});
