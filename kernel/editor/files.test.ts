/** experiments.examples / read / save through dispatchCall: the shipped examples, and clear errors. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinSkills } from '../../skills';
import { dispatchCall } from '../api/dispatch';
import { Kernel } from '../api/kernel';

const dir = mkdtempSync(join(tmpdir(), 'sgr-files-'));
const k = Kernel.open({ home: join(dir, 'home'), skills: builtinSkills });
afterAll(() => k.close());

describe('experiment files', () => {
  it('lists the shipped examples with the name and description from their YAML', async () => {
    const r = await dispatchCall(k, 'experiments.examples', {});
    if (!r.ok) throw new Error(r.error.message);
    const list = r.value as Array<{ name: string; path: string; description: string | null }>;
    expect(list.find((e) => e.name === 'fanout-demo')).toEqual({
      name: 'fanout-demo',
      path: resolve('examples/fanout/experiment.yaml'),
      description: 'Generate numbers, compute statistics of three shards in parallel, merge and summarize them.',
    });
    expect(list.map((e) => e.name)).toEqual(expect.arrayContaining(['lora-rank-ablation', 'fanout-demo']));
    // Every listed example opens with experiments.read.
    for (const e of list) expect((await dispatchCall(k, 'experiments.read', { path: e.path })).ok).toBe(true);
  });

  it('saves atomically and reads back; refuses non-YAML names, directories and missing files', async () => {
    const file = join(dir, 'exp.yaml');
    const text = 'name: x\nsteps:\n  a: { skill: noop }\n';
    expect(await dispatchCall(k, 'experiments.save', { path: file, text })).toEqual({ ok: true, value: { path: file, bytes: Buffer.byteLength(text) } });
    expect(await dispatchCall(k, 'experiments.read', { path: file })).toEqual({ ok: true, value: { path: file, text } });
    // Overwrite leaves no temp file behind.
    await dispatchCall(k, 'experiments.save', { path: file, text: 'name: ü\n' });
    expect(readFileSync(file, 'utf8')).toBe('name: ü\n');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const bad = await dispatchCall(k, 'experiments.save', { path: join(dir, 'notes.txt'), text });
    expect(bad).toEqual({ ok: false, error: { code: 'bad_input', message: expect.stringMatching(/notes\.txt: not an experiment file — the name must end in \.yaml or \.yml/) } });
    const noDir = await dispatchCall(k, 'experiments.save', { path: join(dir, 'nope', 'x.yaml'), text });
    expect(noDir).toMatchObject({ ok: false, error: { code: 'bad_input', message: expect.stringMatching(/folder .*nope does not exist/) } });

    expect(await dispatchCall(k, 'experiments.read', { path: join(dir, 'missing.yaml') })).toMatchObject({ ok: false, error: { code: 'not_found', message: expect.stringContaining('missing.yaml') } });
    expect(await dispatchCall(k, 'experiments.read', { path: '/etc/passwd' })).toMatchObject({ ok: false, error: { code: 'bad_input' } });
    mkdirSync(join(dir, 'd.yaml'));
    expect(await dispatchCall(k, 'experiments.read', { path: join(dir, 'd.yaml') })).toMatchObject({ ok: false, error: { code: 'bad_input', message: expect.stringMatching(/is a directory/) } });
    const big = join(dir, 'big.yaml');
    writeFileSync(big, Buffer.alloc(8 * 1024 * 1024 + 1, 0x20));
    expect(await dispatchCall(k, 'experiments.read', { path: big })).toMatchObject({ ok: false, error: { code: 'bad_input', message: expect.stringMatching(/limited to 8388608 bytes/) } });
  });
});
