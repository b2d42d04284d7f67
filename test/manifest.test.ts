/** `sgr manifest` and `sgr diff` end to end: the same experiment run twice with one param changed. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifestSchema } from '../kernel/common/manifest';
import type { ManifestDiff } from '../kernel/common/manifest-diff';
import { sgr, tempDir } from './helpers';

const experiment = (word: string) => `name: greet
steps:
  greet:
    skill: shell
    params: { command: "echo $WORD > out.txt", env: { WORD: ${word} }, outputs: { out: out.txt } }
  shout:
    skill: shell
    inputs: { text: "\${steps.greet.outputs.out}" }
    params: { command: "tr a-z A-Z < $SGR_INPUT_TEXT" }
`;

async function runExperiment(home: string, file: string, word: string): Promise<string> {
  writeFileSync(file, experiment(word));
  const r = await sgr(home, ['run', file, '-q']);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.split('\n')[0] as string;
}

describe('sgr manifest / sgr diff', () => {
  it('diff of two runs shows the changed param and output digest; the environment is identical', async () => {
    const home = tempDir('sgr-diff-');
    const dir = tempDir('sgr-diff-exp-');
    const file = join(dir, 'experiment.yaml');
    const a = await runExperiment(home, file, 'hello');
    const b = await runExperiment(home, file, 'world');

    const out = join(dir, 'a.json');
    const man = await sgr(home, ['manifest', a.slice(0, 17), '--out', out]);
    expect(man.code, man.stderr).toBe(0);
    const manifest = manifestSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(manifest.run.id).toBe(a);
    expect((await sgr(home, ['manifest', a])).stdout).toBe(readFileSync(out, 'utf8'));

    const r = await sgr(home, ['diff', a, b, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const diff = JSON.parse(r.stdout) as ManifestDiff;
    expect(diff.params.changes).toEqual([{ path: 'greet.env.WORD', a: 'hello', b: 'world' }]);
    const greetOut = diff.data.changes.find((c) => c.path === 'greet.outputs.out');
    expect(greetOut?.a).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(greetOut?.b).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(greetOut?.a).not.toBe(greetOut?.b);
    expect(diff.environment).toEqual({ identical: true, changes: [] });
    expect(diff.metrics.identical).toBe(true);

    const text = await sgr(home, ['diff', a, b]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('environment: identical\n');
    expect(text.stdout).toContain('  greet.env.WORD: hello → world\n');
    expect(text.stdout).toMatch(/greet\.outputs\.out: sha256:[0-9a-f]{12} → sha256:[0-9a-f]{12}\n/);

    const missing = await sgr(home, ['diff', a, 'nope']);
    expect(missing.code).toBe(5);
  });
});
