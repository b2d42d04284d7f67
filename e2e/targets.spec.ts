/**
 * Targets page (U8) on a real kernel: a card per target of targets.yaml, "Test connection"
 * against local, a real OpenSSH server, a real Docker engine, a port nobody listens on and
 * a server whose host key is not in known_hosts, and a CLI run's job passing through the
 * live process table.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasDocker, startDockerd, type DockerdHandle } from '../test/services/dockerd';
import { freePort, startSshd, type Sshd } from '../test/services/sshd';
import { expect, shot, test } from './fixtures/serve';
import { TargetsPage } from './pages/targets';

let closedPort = 0;
let sshd: Sshd;
let dockerd: DockerdHandle | null = null;
let emptyKnownHosts = '';

test.beforeAll(async () => {
  closedPort = await freePort();
  sshd = await startSshd();
  emptyKnownHosts = join(mkdtempSync(join(tmpdir(), 'sgr-e2e-kh-')), 'known_hosts');
  writeFileSync(emptyKnownHosts, '');
  if (hasDocker()) dockerd = await startDockerd();
  else if (process.env.CI === 'true') throw new Error('CI: the targets e2e needs dockerd (Debian docker.io) and root');
  else console.warn('\n*** targets e2e: no dockerd (or not root): the docker card is left out ***\n');
});

test.afterAll(async () => {
  await sshd?.stop();
  await dockerd?.dispose();
});

function writeTargets(home: string): void {
  const ssh = `host: ${sshd.host}, port: ${sshd.port}, user: ${sshd.user}, key: ${sshd.keyPath}`;
  writeFileSync(
    join(home, 'targets.yaml'),
    [
      'targets:',
      '  local: { kind: local, description: this machine, resources: { cpus: 2, maxJobs: 2 } }',
      `  lab: { kind: ssh, ${ssh}, knownHosts: ${sshd.knownHostsPath}, description: a real sshd }`,
      `  stranger: { kind: ssh, ${ssh}, knownHosts: ${emptyKnownHosts}, description: host key not in known_hosts }`,
      `  down: { kind: ssh, host: 127.0.0.1, port: ${closedPort}, user: nobody, key: ${sshd.keyPath}, knownHosts: ${sshd.knownHostsPath}, description: nothing listens here }`,
      ...(dockerd ? [`  box: { kind: docker, socket: "unix://${dockerd.socket}", description: a private dockerd }`] : []),
    ].join('\n'),
  );
}

test.use({ homeSetup: async ({}, use) => use(writeTargets) });

test('a card per target; Test connection shows probed resources for good targets and a clear error for broken ones', async ({ page, served }) => {
  const targets = new TargetsPage(page);
  await targets.open(served.url);
  for (const name of ['local', 'lab', 'stranger', 'down', ...(dockerd ? ['box'] : [])]) await expect(targets.card(name)).toBeVisible();
  await expect(targets.card('local').getByTestId('target-declared')).toHaveText('2 CPUs');
  await expect(targets.card('lab')).toContainText(`${sshd.user}@${sshd.host}:${sshd.port}`);
  // Where a target is, never its key path.
  await expect(targets.card('lab')).not.toContainText(sshd.keyPath);
  await expect(targets.status('local')).toHaveAttribute('data-status', 'unknown');

  const resources = /^\d+ CPUs?, [\d.]+ GiB RAM, (no GPUs|GPUs: .+)$/;
  for (const name of ['local', 'lab', ...(dockerd ? ['box'] : [])]) {
    await targets.test(name);
    await expect(targets.status(name)).toHaveAttribute('data-status', 'ok');
    await expect(targets.card(name).getByTestId('target-latency')).toHaveText(/\d+ ms|\d+(\.\d)? s/);
    await expect(targets.card(name).getByTestId('target-probed')).toHaveText(resources);
  }
  await expect(targets.card('lab')).toContainText('OpenSSH');
  if (dockerd) await expect(targets.card('box')).toContainText('docker');

  await targets.test('down');
  await expect(targets.status('down')).toHaveAttribute('data-status', 'failed');
  await expect(targets.card('down').getByTestId('target-error')).toContainText('target "down"');
  await expect(targets.card('down').getByTestId('target-error')).toContainText('ECONNREFUSED');

  await targets.test('stranger');
  await expect(targets.status('stranger')).toHaveAttribute('data-status', 'failed');
  await expect(targets.card('stranger').getByTestId('target-error')).toContainText('target "stranger"');
  await expect(targets.card('stranger').getByTestId('target-error')).toContainText(/known_hosts|host key/i);
  await shot(page, 'targets-checked');

  // The probes were recorded: a reload shows them without testing again.
  await page.reload();
  await expect(targets.status('local')).toHaveAttribute('data-status', 'ok');
  await expect(targets.status('lab')).toHaveAttribute('data-status', 'ok');
  await expect(targets.status('down')).toHaveAttribute('data-status', 'failed');
});

test("a CLI run's running jobs, on local and over ssh, appear in the process table with their target, then leave it", async ({ page, served }) => {
  const targets = new TargetsPage(page);
  await targets.open(served.url);
  await expect(targets.processTable).toHaveAttribute('data-count', '0');
  await expect(targets.queueTable).toBeVisible();

  const dir = mkdtempSync(join(tmpdir(), 'sgr-e2e-targets-'));
  writeFileSync(
    join(dir, 'experiment.yaml'),
    [
      'version: 1',
      'name: e2e-targets',
      'steps:',
      '  slow: { skill: shell, params: { command: "sleep 5" } }',
      '  far: { skill: shell, target: lab, params: { command: "sleep 5" } }',
    ].join('\n'),
  );
  const cli = served.spawnSgr(['run', join(dir, 'experiment.yaml')]);
  let out = '';
  let err = '';
  cli.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  cli.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => cli.on('exit', r));

  await expect(targets.processRows).toHaveCount(2);
  const runId = /^(\d{8}-\d{6}-[0-9a-f]{6})/m.exec(out)?.[1];
  expect(runId).toBeTruthy();
  for (const [step, target] of [['slow', 'local'], ['far', 'lab']] as const) {
    const row = targets.processRow(`${runId}.${step}.1`);
    await expect(row).toHaveAttribute('data-state', 'running');
    await expect(row).toHaveAttribute('data-target', target);
    await expect(row).toContainText('e2e-targets');
    // The scheduler holds a slot of the target for it meanwhile.
    await expect(page.getByTestId(`queue-row-${runId}.${step}.1`)).toHaveAttribute('data-state', 'running');
  }
  await shot(page, 'targets-process-table');

  expect(await exited, err).toBe(0);
  await expect(targets.processRows).toHaveCount(0);
  await expect(targets.processTable).toHaveAttribute('data-count', '0');
  await expect(page.locator('[data-testid^="queue-row-"]')).toHaveCount(0);
});
