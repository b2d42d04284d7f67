import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalDispatcher } from './local-dispatcher';
import { completeUtf8Length } from './read-log';
import { freshDispatcher, shellSpec, type Sandbox } from './test-support';

let box: Sandbox;
let d: LocalDispatcher;

freshDispatcher((b, x) => {
  box = b;
  d = x;
});

async function run(jobId: string, script: string, outputs: Record<string, string>) {
  const cwd = join(box.work, jobId);
  await d.submit(shellSpec(jobId, cwd, script, { outputs }));
  await d.wait(jobId);
  return { cwd, result: await d.collect(jobId) };
}

describe('collect: outputs', () => {
  it('collects declared outputs that exist and reports the missing ones', async () => {
    const { cwd, result } = await run('run1.out.1', 'mkdir -p out && echo m > out/model.bin && echo 1 > metrics.json', {
      model: 'out/model.bin',
      metrics: 'metrics.json',
      report: 'report.html',
    });
    expect(result.files).toEqual({ model: join(cwd, 'out/model.bin'), metrics: join(cwd, 'metrics.json') });
    expect(result.missing).toEqual(['report']);
    expect(result.warnings).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.signal).toBeNull();
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(result.durationMs).toBeLessThan(5000);
  });

  it('refuses outputs that escape the cwd lexically or through a symlink', async () => {
    const secret = join(box.work, 'secret.txt');
    await mkdir(box.work, { recursive: true });
    await writeFile(secret, 'do not ingest');
    const script = `ln -s '${secret}' link.txt && mkdir -p sub && ln -s .. sub/up && echo ok > inside.txt && ln -s inside.txt alias.txt`;
    const { cwd, result } = await run('run1.esc.1', script, {
      parent: '../secret.txt',
      link: 'link.txt',
      viaDir: 'sub/up/inside.txt', // resolves back inside: allowed
      alias: 'alias.txt',
      absolute: secret,
    });
    expect(result.files).toEqual({ viaDir: join(cwd, 'inside.txt'), alias: join(cwd, 'inside.txt') });
    expect(result.missing.sort()).toEqual(['absolute', 'link', 'parent']);
    expect(result.warnings).toEqual(
      expect.arrayContaining([
        `job run1.esc.1: output "parent" (../secret.txt) escapes the job directory ${cwd} — refused`,
        `job run1.esc.1: output "link" (link.txt) is a symlink to ${secret}, outside the job directory ${cwd} — refused`,
        `job run1.esc.1: output "absolute" (${secret}) escapes the job directory ${cwd} — refused`,
      ]),
    );
  });

  it('adds artifacts announced on the protocol, confined like outputs', async () => {
    const ev = (obj: object) => `printf '%s\\n' '${JSON.stringify(obj)}' >> "$SGR_EVENTS_FILE"`;
    const script = [
      'mkdir -p out && echo a > out/a.bin && echo b > out/b.bin && echo c > c.bin',
      ev({ type: 'artifact', path: 'out/a.bin', name: 'first' }),
      ev({ type: 'artifact', path: 'out/b.bin', name: 'first' }), // the later line wins
      ev({ type: 'artifact', path: `${box.work}/run1.art.1/c.bin`, name: 'abs' }),
      ev({ type: 'artifact', path: '../../etc/passwd', name: 'evil' }),
      ev({ type: 'artifact', path: 'nope.bin', name: 'ghost' }),
      ev({ type: 'artifact', path: 'c.bin', name: 'declared' }),
    ].join('\n');
    const { cwd, result } = await run('run1.art.1', script, { declared: 'out/a.bin' });
    expect(result.files).toEqual({ declared: join(cwd, 'out/a.bin'), first: join(cwd, 'out/b.bin'), abs: join(cwd, 'c.bin') });
    expect(result.warnings).toEqual([
      `job run1.art.1: artifact "evil" (../../etc/passwd) escapes the job directory ${cwd} — refused`,
      'job run1.art.1: artifact "ghost" (nope.bin) does not exist — ignored',
      'job run1.art.1: artifact "declared" (c.bin) has the name of a declared output — ignored',
    ]);
    expect(result.events.filter((e) => e.type === 'artifact')).toHaveLength(6);
  });

  it('keeps only the last 4 KiB of stderr, starting on a whole character', async () => {
    const { result } = await run('run1.tail.1', `i=0; while [ $i -lt 2000 ]; do printf 'é' >&2; i=$((i+1)); done; printf END >&2`, {});
    expect(Buffer.byteLength(result.stderrTail)).toBeLessThanOrEqual(4096);
    expect(result.stderrTail).toMatch(/^é+END$/);
  });
});

describe('completeUtf8Length', () => {
  it('cuts an incomplete trailing sequence and keeps complete ones', () => {
    const euro = [0xe2, 0x82, 0xac];
    expect(completeUtf8Length(Buffer.from([0x61, ...euro]))).toBe(4);
    expect(completeUtf8Length(Buffer.from([0x61, 0xe2, 0x82]))).toBe(1);
    expect(completeUtf8Length(Buffer.from([0x61, 0xf0, 0x9f, 0x98]))).toBe(1);
    expect(completeUtf8Length(Buffer.from([0x61, 0xf0, 0x9f, 0x98, 0x80]))).toBe(5);
    expect(completeUtf8Length(Buffer.from([]))).toBe(0);
  });
});
