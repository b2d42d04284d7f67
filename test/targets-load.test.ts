/** targets.yaml: every problem names the file, the line and the field; references and `~` are resolved. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTargets, parseTargets, TargetsFileError } from '../kernel/targets/load';
import { tempDir } from './helpers';

function problems(text: string): string[] {
  try {
    parseTargets(text, 'targets.yaml', '/home/me');
  } catch (err) {
    expect(err).toBeInstanceOf(TargetsFileError);
    return (err as Error).message.split('\n');
  }
  throw new Error('expected targets.yaml problems, got none');
}

describe('targets.yaml loading', () => {
  it('a missing file means only local', () => {
    const home = tempDir();
    const loaded = loadTargets(home);
    expect(loaded.exists).toBe(false);
    expect(loaded.file).toBe(join(home, 'targets.yaml'));
    expect([...loaded.targets.keys()]).toEqual(['local']);
  });

  it('reads every kind, keeps local first, applies defaults and expands ~ in local paths only', () => {
    const home = tempDir();
    writeFileSync(
      join(home, 'targets.yaml'),
      [
        'targets:',
        '  box: { kind: docker, image: "sgr-python:bookworm", memoryMb: 512 }',
        '  login: { kind: ssh, host: login.lab, user: me, key: ~/.ssh/id_ed25519, knownHosts: ~/.ssh/known_hosts, root: ~/.sgr-remote }',
        '  gpu1:',
        '    kind: ssh',
        '    host: gpu1.lab',
        '    user: me',
        '    jump: login',
        '    resources: { cpus: 32, memoryMb: 256000, gpus: [{ model: A100, memoryMb: 81920 }] }',
        '  cluster: { kind: slurm, ssh: login, partition: debug, defaults: { cpus: 2, time: 60 } }',
      ].join('\n'),
    );
    const { targets, exists } = loadTargets(home, '/home/me');
    expect(exists).toBe(true);
    expect([...targets.keys()]).toEqual(['local', 'box', 'login', 'gpu1', 'cluster']);
    const login = targets.get('login');
    expect(login).toMatchObject({ kind: 'ssh', port: 22, key: '/home/me/.ssh/id_ed25519', knownHosts: '/home/me/.ssh/known_hosts', root: '~/.sgr-remote' });
    expect(targets.get('gpu1')).toMatchObject({ jump: 'login', resources: { gpus: [{ model: 'A100', memoryMb: 81920 }] } });
    expect(targets.get('cluster')).toMatchObject({ kind: 'slurm', signalSeconds: 60, defaults: { cpus: 2, time: 60 } });
  });

  it('local may be re-declared to set its resources', () => {
    const t = parseTargets('targets:\n  local: { kind: local, resources: { cpus: 2, maxJobs: 3 } }\n', 'targets.yaml');
    expect(t.get('local')).toEqual({ kind: 'local', resources: { cpus: 2, maxJobs: 3 } });
  });

  it('an empty file means only local', () => {
    expect([...parseTargets('', 'targets.yaml').keys()]).toEqual(['local']);
  });

  it('a wrong type names file, line and field', () => {
    const text = ['targets:', '  gpu1:', '    kind: ssh', '    host: gpu1.lab', '    user: me', '', '    port: twenty-two'].join('\n');
    expect(problems(text)).toEqual(['targets.yaml:7 targets.gpu1.port: expected a number, got "twenty-two"']);
  });

  it('reports every problem at once, in line order: unknown key, missing key, unknown kind', () => {
    const text = ['targets:', '  a: { kind: ssh, host: h }', '  b:', '    kind: dokker', '  c: { kind: docker, imgae: x }'].join('\n');
    const msgs = problems(text);
    expect(msgs).toContain('targets.yaml:2 targets.a.user: missing required key');
    expect(msgs.some((m) => /^targets\.yaml:[34] targets\.b(\.kind)?: kind must be one of local, docker, ssh, slurm$/.test(m))).toBe(true);
    expect(msgs).toContain('targets.yaml:5 targets.c.imgae: unknown key "imgae"');
    expect(msgs.length).toBe(3);
  });

  it('a jump or slurm ssh must name an existing ssh target', () => {
    const text = [
      'targets:',
      '  box: { kind: docker }',
      '  gpu1: { kind: ssh, host: h, user: u, jump: nowhere }',
      '  hpc: { kind: slurm, ssh: box }',
    ].join('\n');
    expect(problems(text)).toEqual([
      'targets.yaml:3 targets.gpu1.jump: no ssh target named "nowhere" in this file',
      'targets.yaml:4 targets.hpc.ssh: "box" is a docker target; ssh must name an ssh target',
    ]);
  });

  it('a jump loop is an error naming the chain', () => {
    const text = ['targets:', '  a: { kind: ssh, host: h, user: u, jump: b }', '  b: { kind: ssh, host: h, user: u, jump: a }'].join('\n');
    expect(problems(text)).toEqual(['targets.yaml:2 targets.a.jump: jump hosts form a loop: a → b → a', 'targets.yaml:3 targets.b.jump: jump hosts form a loop: b → a → b']);
  });

  it('local cannot become another kind', () => {
    expect(problems('targets:\n  local: { kind: docker }\n')).toEqual(['targets.yaml:2 targets.local.kind: "local" is this machine; it may only set description and resources (kind: local)']);
  });

  it('a bad target name and YAML syntax errors name the line', () => {
    expect(problems('targets:\n  "gpu 1": { kind: local }\n')[0]).toMatch(/^targets\.yaml:2 targets\.gpu 1: a target name starts with a letter/);
    expect(problems('targets:\n  a: { kind: ssh\n')[0]).toMatch(/^targets\.yaml:\d+ YAML syntax: /);
  });

  it('a file that cannot be read is an error naming it', () => {
    const home = tempDir();
    mkdirSync(join(home, 'targets.yaml'));
    expect(() => loadTargets(home)).toThrow(`${join(home, 'targets.yaml')}:1 cannot read the file: EISDIR`);
  });
});
