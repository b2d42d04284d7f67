/** SshShell against a real sshd: exec, SFTP, known_hosts, passphrase, jump host, dropped connections. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshShell } from '../kernel/dispatch/ssh/shell';
import { ConnectionLostError } from '../kernel/dispatch/remote/shell';
import { LocalShell } from '../kernel/dispatch/remote/local-shell';
import { startSshd, type Sshd } from './services/sshd';

let sshd: Sshd;
let other: Sshd;
const dir = mkdtempSync(join(tmpdir(), 'sgr-ssh-shell-'));
beforeAll(async () => {
  [sshd, other] = await Promise.all([startSshd(), startSshd()]);
});
afterAll(async () => {
  await Promise.all([sshd?.stop(), other?.stop()]);
});

describe('SshShell', () => {
  it('runs commands with stdin, stdout, stderr and exit codes', async () => {
    const sh = new SshShell('t', sshd.target());
    try {
      const r = await sh.exec('cat; echo err >&2; exit 3', { stdin: 'from-stdin' });
      expect(r).toEqual({ code: 3, stdout: 'from-stdin', stderr: 'err\n' });
      expect((await sh.connect()).serverVersion).toMatch(/^OpenSSH/);
    } finally {
      await sh.close();
    }
  });

  it('reads at an offset, uploads and downloads with matching sha256', async () => {
    const sh = new SshShell('t', sshd.target());
    try {
      const src = join(dir, 'src.bin');
      writeFileSync(src, 'hello remote world');
      const remote = join(dir, 'remote', 'deep', 'copy.bin');
      const up = await sh.upload(src, remote);
      expect(up.bytes).toBe(18);
      expect((await sh.read(remote, 6, 6)).toString()).toBe('remote');
      expect((await sh.read(join(dir, 'absent'), 0, 10)).length).toBe(0);
      const back = join(dir, 'back', 'copy.bin');
      const down = await sh.download(remote, back);
      expect(down.sha256).toBe(up.sha256);
      expect(readFileSync(back, 'utf8')).toBe('hello remote world');
      await expect(sh.download(join(dir, 'nope'), join(dir, 'x'))).rejects.toThrow(/sha256sum .*nope/);
    } finally {
      await sh.close();
    }
  });

  it('uploads many files with one check and writes small files', async () => {
    const sh = new SshShell('t', sshd.target());
    try {
      const files = [1, 2, 3].map((i) => {
        const local = join(dir, `many-${i}.txt`);
        writeFileSync(local, `file ${i}\n`);
        return { local, remote: join(dir, 'many', `d${i}`, `f${i}.txt`) };
      });
      const sums = await sh.uploadMany(files);
      expect(sums.map((s) => s.bytes)).toEqual([7, 7, 7]);
      expect(readFileSync(files[2]!.remote, 'utf8')).toBe('file 3\n');
      await sh.writeFile(join(dir, 'many', 'note.txt'), 'hello');
      expect(readFileSync(join(dir, 'many', 'note.txt'), 'utf8')).toBe('hello');
    } finally {
      await sh.close();
    }
  });

  it('a connection killed mid-command is ConnectionLostError, never success; the next call reconnects', async () => {
    const sh = new SshShell('t', sshd.target(), { backoffMs: { initial: 50, max: 200 } });
    try {
      await sh.exec('true');
      const running = sh.exec('echo started; sleep 30; echo never');
      await new Promise((r) => setTimeout(r, 500));
      expect(sshd.killConnections()).toBeGreaterThan(0);
      const err = await running.then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectionLostError);
      const again = await sh.exec('echo back');
      expect(again.stdout).toBe('back\n');
    } finally {
      await sh.close();
    }
  });

  it('refuses an unknown host key and a changed host key, naming the file and fingerprints', async () => {
    const empty = join(dir, 'known_hosts_empty');
    writeFileSync(empty, '');
    const unknown = new SshShell('t', sshd.target({ knownHosts: empty }));
    await expect(unknown.exec('true')).rejects.toThrow(new RegExp(`not in known_hosts file ${empty}.*ssh-ed25519 SHA256:`));
    await unknown.close();
    // The other server's key listed under this server's name: a man in the middle, as far as we can tell.
    const wrong = join(dir, 'known_hosts_wrong');
    writeFileSync(wrong, `[127.0.0.1]:${sshd.port} ${other.hostKeyLine}\n`);
    const mismatch = new SshShell('t', sshd.target({ knownHosts: wrong }));
    await expect(mismatch.exec('true')).rejects.toThrow(new RegExp(`HOST KEY MISMATCH.*${wrong.replace(/[/.]/g, '\\$&')}:1`));
    await mismatch.close();
  });

  it('decrypts a key with the passphrase from the environment variable the target names', async () => {
    const locked = await startSshd({ passphrase: 'correct horse' });
    try {
      process.env.SGR_TEST_SSH_PASS = 'correct horse';
      const sh = new SshShell('t', locked.target({ passphraseEnv: 'SGR_TEST_SSH_PASS' }));
      expect((await sh.exec('echo unlocked')).stdout).toBe('unlocked\n');
      await sh.close();
      const missing = new SshShell('t', locked.target({ passphraseEnv: 'SGR_TEST_SSH_PASS_UNSET' }));
      await expect(missing.exec('true')).rejects.toThrow(/passphraseEnv names SGR_TEST_SSH_PASS_UNSET/);
      await missing.close();
    } finally {
      delete process.env.SGR_TEST_SSH_PASS;
      await locked.stop();
    }
  });

  it('authenticates through ssh-agent when the target names no key', async () => {
    const sock = join(dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    const saved = process.env.SSH_AUTH_SOCK;
    try {
      for (let i = 0; i < 100 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 20));
      const added = spawnSync('ssh-add', [sshd.keyPath], { env: { ...process.env, SSH_AUTH_SOCK: sock }, encoding: 'utf8' });
      expect(added.status, added.stderr).toBe(0);
      process.env.SSH_AUTH_SOCK = sock;
      const { key: _key, ...noKey } = sshd.target();
      const sh = new SshShell('t', noKey);
      expect((await sh.exec('echo via-agent')).stdout).toBe('via-agent\n');
      await sh.close();
      delete process.env.SSH_AUTH_SOCK;
      const none = new SshShell('t', noKey);
      await expect(none.exec('true')).rejects.toThrow(/no key given and SSH_AUTH_SOCK is not set/);
      await none.close();
    } finally {
      if (saved === undefined) delete process.env.SSH_AUTH_SOCK;
      else process.env.SSH_AUTH_SOCK = saved;
      agent.kill();
    }
  });

  it('connects through a jump host', async () => {
    // The jump server only lets us in; the target is reached through its forwardOut tunnel.
    const jumpTarget = other.target();
    const sh = new SshShell('t', sshd.target({ jump: 'bastion' }), {
      lookup: (name) => {
        if (name !== 'bastion') throw new Error(`no target ${name}`);
        return jumpTarget;
      },
    });
    try {
      const r = await sh.exec('echo "$SSH_CONNECTION"');
      expect(r.code).toBe(0);
      // The target sees the connection coming from the jump server's side of the tunnel.
      expect(r.stdout).toMatch(new RegExp(` ${sshd.port}\\s*$`));
      expect(other.log()).toMatch(/Accepted publickey/);
      // The jump server drops us: the tunnel and the connection in it go; the next call rebuilds both.
      expect(other.killConnections()).toBeGreaterThan(0);
      let again: string | undefined;
      for (let i = 0; i < 20 && again === undefined; i++) {
        again = await sh.exec('echo again').then((x) => x.stdout, (e: unknown) => (e instanceof ConnectionLostError ? undefined : Promise.reject(e)));
      }
      expect(again).toBe('again\n');
    } finally {
      await sh.close();
    }
  });
});

describe('LocalShell', () => {
  it('runs /bin/sh and copies with sha256 checks', async () => {
    const sh = new LocalShell();
    expect(await sh.exec('cat; exit 4', { stdin: 'x' })).toEqual({ code: 4, stdout: 'x', stderr: '' });
    const src = join(dir, 'l.txt');
    writeFileSync(src, 'abcdef');
    const dst = join(dir, 'l', 'copy.txt');
    const up = await sh.upload(src, dst);
    expect(up.bytes).toBe(6);
    expect((await sh.read(dst, 2, 2)).toString()).toBe('cd');
    expect((await sh.read(join(dir, 'missing'), 0, 2)).length).toBe(0);
  });
});
