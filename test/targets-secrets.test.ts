/**
 * Secrets never enter the journal or manifests: a step runs on an ssh target whose key is
 * passphrase-protected (key path + passphraseEnv in targets.yaml); neither the passphrase
 * nor the key path shows up in the journal's bytes, the run's events, its manifest or any other file
 * the kernel wrote under $SGR_HOME.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildManifest } from '../kernel/manifest/build';
import { listEvents } from '../kernel/store/events-repo';
import { startSshd, type Sshd } from './services/sshd';
import { openKernel, plan, runPlan, tempDir } from './helpers';

const PASSPHRASE = 'correct-horse-battery-staple-7f3a';
const ENV = 'SGR_TEST_TARGETS_KEY_PASSPHRASE';
let sshd: Sshd;

beforeAll(async () => {
  sshd = await startSshd({ passphrase: PASSPHRASE });
  process.env[ENV] = PASSPHRASE;
});
afterAll(async () => {
  delete process.env[ENV];
  await sshd?.stop();
});

describe('secrets of a target', () => {
  it('neither the passphrase nor the key path reaches the journal, the events or the manifest', async () => {
    const home = tempDir();
    const remote = tempDir('sgr-remote-');
    writeFileSync(
      join(home, 'targets.yaml'),
      [
        'targets:',
        '  lab:',
        '    kind: ssh',
        `    host: ${sshd.host}`,
        `    port: ${sshd.port}`,
        `    user: ${sshd.user}`,
        `    key: ${sshd.keyPath}`,
        `    passphraseEnv: ${ENV}`,
        `    knownHosts: ${sshd.knownHostsPath}`,
        `    root: ${remote}`,
      ].join('\n'),
    );
    const kernel = openKernel(home);
    let runId = '';
    try {
      const r = await runPlan(kernel, plan({ steps: [{ id: 'hello', skill: 'shell', target: 'lab', params: { command: 'echo hello from lab' } }] }));
      runId = r.runId;
      const step = kernel.steps(runId)[0]!;
      expect(step.error).toBeNull();
      expect(r.state).toBe('COMPLETED');
      // It ran over ssh: the job's output came back through the ssh target's dispatcher.
      const log = await kernel.dispatchers.get('lab')!.readLog(step.job_id!, 'stdout', 0, 10_000);
      expect(log.data).toContain('hello from lab');
      const events = JSON.stringify(listEvents(kernel.db, runId));
      const manifest = JSON.stringify(buildManifest(kernel, runId));
      for (const secret of [PASSPHRASE, sshd.keyPath]) {
        expect(events).not.toContain(secret);
        expect(manifest).not.toContain(secret);
      }
      expect(manifest).toContain('lab'); // the target is recorded by name
    } finally {
      await kernel.close();
    }
    // The database's bytes (WAL included), and every other file the kernel wrote under
    // $SGR_HOME (job mirrors, CAS, probe state): nothing secret anywhere but targets.yaml.
    const files = (readdirSync(home, { recursive: true }) as string[]).filter((f) => f !== 'targets.yaml' && statSync(join(home, f)).isFile());
    expect(files).toContain('journal.db');
    for (const f of files) {
      const bytes = readFileSync(join(home, f));
      expect(bytes.includes(PASSPHRASE), `${f} holds the passphrase`).toBe(false);
      expect(bytes.includes(sshd.keyPath), `${f} holds the key path`).toBe(false);
    }
  });
});
