import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CLI, ROOT, sgr, tempDir } from './helpers';
import { spawnSync } from 'node:child_process';

let child: ChildProcess;
let base = '';
let token = '';
const home = tempDir('sgr-serve-');

beforeAll(async () => {
  const b = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (b.status !== 0) throw new Error(b.stderr);
  child = spawn(process.execPath, [CLI, 'serve', '--port', '0'], { env: { ...process.env, SGR_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  const line = await new Promise<string>((ok) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) ok(out.split('\n')[0] as string);
    });
  });
  const m = /^sgr serve: (http:\/\/127\.0\.0\.1:\d+)\/\?token=([0-9a-f]{64})$/.exec(line);
  expect(m).not.toBeNull();
  base = m![1] as string;
  token = m![2] as string;
});
afterAll(() => {
  child?.kill('SIGTERM');
});

describe('sgr serve', () => {
  it('answers 401 without the token and 200 (or the build-ui page) with it', async () => {
    expect((await fetch(`${base}/`)).status).toBe(401);
    expect((await fetch(`${base}/?token=wrong`)).status).toBe(401);
    const ok = await fetch(`${base}/?token=${token}`);
    expect([200, 503]).toContain(ok.status);
    expect(ok.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(ok.headers.get('x-content-type-options')).toBe('nosniff');
    expect(ok.headers.get('set-cookie')).toContain('sgr_token=');
    const bearer = await fetch(`${base}/`, { headers: { Authorization: `Bearer ${token}` } });
    expect([200, 503]).toContain(bearer.status);
  });

  it('refuses path traversal', async () => {
    const r = await fetch(`${base}/%2e%2e/%2e%2e/package.json?token=${token}`);
    expect([403, 404, 503]).toContain(r.status);
    expect(await r.text()).not.toContain('"name"');
  });

  it('refuses the WebSocket without the token', async () => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/ws`);
    const code = await new Promise<number>((ok) => ws.on('unexpected-response', (_req, res) => ok(res.statusCode ?? 0)).on('error', () => ok(-1)));
    expect(code).toBe(401);
  });

  it('round-trips a call and pushes live events of a run started by another process', async () => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/ws?token=${token}`);
    const frames: Array<{ type: string; id?: number; event?: string; payload?: { state?: string }; result?: { ok: boolean; value?: unknown } }> = [];
    ws.on('message', (d) => frames.push(JSON.parse(String(d))));
    await new Promise((ok) => ws.on('open', ok));
    ws.send(JSON.stringify({ type: 'call', id: 1, method: 'app.info', input: {} }));
    ws.send(JSON.stringify({ type: 'call', id: 2, method: 'runs.get', input: { runId: 'nope' } }));
    const dir = tempDir('sgr-serve-exp-');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'experiment.yaml'), 'version: 1\nname: live\nsteps:\n  hello:\n    skill: shell\n    params: { command: "echo hi" }\n');
    const run = await sgr(home, ['run', join(dir, 'experiment.yaml')]);
    expect(run.code).toBe(0);
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && !frames.some((f) => f.event === 'run.stateChanged' && f.payload?.state === 'COMPLETED')) await new Promise((r) => setTimeout(r, 100));
    ws.close();
    expect(frames.find((f) => f.id === 1)?.result).toMatchObject({ ok: true, value: { mode: 'serve' } });
    expect(frames.find((f) => f.id === 2)?.result).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const events = frames.filter((f) => f.type === 'event').map((f) => `${f.event}:${f.payload?.state ?? ''}`);
    expect(events).toContain('run.created:');
    expect(events).toContain('step.stateChanged:COMPLETED');
    expect(events).toContain('run.stateChanged:COMPLETED');
  });
});
