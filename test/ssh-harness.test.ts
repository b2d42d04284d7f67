/** The sshd harness itself: a real server the system ssh client accepts with the generated keys. */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type Sshd } from './services/sshd';

let sshd: Sshd;
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});

function ssh(command: string): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(
    'ssh',
    ['-i', sshd.keyPath, '-o', `UserKnownHostsFile=${sshd.knownHostsPath}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', '-p', String(sshd.port), `${sshd.user}@127.0.0.1`, command],
    { encoding: 'utf8' },
  );
}

describe('sshd harness', () => {
  it('accepts the generated client key with strict host key checking', () => {
    const r = ssh('echo hello-$((6*7))');
    expect(r.stderr).not.toMatch(/denied|verification failed/i);
    expect(r.stdout.trim()).toBe('hello-42');
    expect(r.status).toBe(0);
  });
});
