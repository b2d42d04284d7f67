/** `sgr targets list|check` through the built CLI: output, recorded probes and exit codes. */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureCli, tempDir } from './helpers';

let cli = '';
beforeAll(() => {
  cli = ensureCli();
});

function sgr(home: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { env: { ...process.env, SGR_HOME: home }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const YAML = [
  'targets:',
  '  local: { kind: local, description: this box, resources: { cpus: 2, gpus: [{ model: A100, memoryMb: 81920 }, { model: A100, memoryMb: 81920 }] } }',
  '  gpu1: { kind: ssh, host: 127.0.0.1, port: 1, user: me, description: nobody listens }',
].join('\n');

describe('sgr targets', () => {
  it('list shows declared resources; check probes, records, and exits 1 naming the failed target', () => {
    const home = tempDir();
    writeFileSync(join(home, 'targets.yaml'), YAML);
    const list = sgr(home, 'targets', 'list');
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('local  local  — this box\n  declared: 2 CPUs, GPUs: 2× A100 (80 GiB)\n  last check: never');
    expect(list.stdout).toContain('gpu1  ssh  me@127.0.0.1:1  — nobody listens');

    const local = sgr(home, 'targets', 'check', 'local', '--json');
    expect(local.code).toBe(0);
    expect(local.stderr).toContain('checking local…');
    const [probe] = JSON.parse(local.stdout) as Array<{ name: string; ok: boolean; resources: { cpus: number } }>;
    expect(probe).toMatchObject({ name: 'local', ok: true });
    expect(probe!.resources.cpus).toBeGreaterThan(0);

    const all = sgr(home, 'targets', 'check');
    expect(all.code).toBe(1);
    expect(all.stdout).toMatch(/^local: ok \d+ ms: \d+ CPUs?, [\d.]+ GiB RAM/m);
    expect(all.stdout).toMatch(/^gpu1: FAILED: .*gpu1/m);
    expect(all.stderr).toContain('1 of 2 targets failed the check: gpu1');

    const after = sgr(home, 'targets', 'list', '--json');
    const infos = JSON.parse(after.stdout) as Array<{ name: string; available: boolean; lastProbe: { ok: boolean } | null }>;
    expect(infos.map((i) => [i.name, i.available, i.lastProbe?.ok])).toEqual([['local', true, true], ['gpu1', false, false]]);
  });

  it('an unknown target exits 5; a broken targets.yaml exits 2 naming file, line and field', () => {
    const home = tempDir();
    writeFileSync(join(home, 'targets.yaml'), YAML);
    const unknown = sgr(home, 'targets', 'check', 'gpu9');
    expect(unknown.code).toBe(5);
    expect(unknown.stderr).toContain('no target named "gpu9" (known: local, gpu1');
    writeFileSync(join(home, 'targets.yaml'), 'targets:\n  a: { kind: ssh, host: h, user: u, port: p }\n');
    const broken = sgr(home, 'targets', 'list');
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain(`${join(home, 'targets.yaml')}:2 targets.a.port: expected a number, got "p"`);
  });
});
