import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ExperimentError, parseExperiment } from './load-experiment';

// The format reference is only useful while its examples are true; check them.
const doc = readFileSync(new URL('../../docs/experiment-format.md', import.meta.url), 'utf8');
const blocks = [...doc.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], body: m[2]! }));

describe('docs/experiment-format.md', () => {
  it('has a complete example that loads', () => {
    const example = blocks.find((b) => b.lang === 'yaml')!;
    const { plan } = parseExperiment(example.body, 'experiment.yaml');
    expect(plan.steps.map((s) => s.id)).toEqual(['prepare', 'square']);
    expect(plan.steps[1]!.retry).toMatchObject({ max: 2, backoffMs: 500 });
  });

  it('shows the errors its error example really produces', () => {
    const i = blocks.findIndex((b) => b.lang === 'text');
    let message = '';
    try {
      parseExperiment(blocks[i - 1]!.body, 'experiment.yaml');
    } catch (err) {
      expect(err).toBeInstanceOf(ExperimentError);
      message = (err as Error).message;
    }
    expect(`${message}\n`).toBe(blocks[i]!.body);
  });
});

describe('docs/experiment-format.md, version 2', () => {
  it('has a grid example that loads and expands into 12 trials plus select and report', () => {
    const v2 = blocks.find((b) => b.lang === 'yaml' && b.body.startsWith('version: 2'))!;
    const loaded = parseExperiment(v2.body, 'experiment.yaml');
    expect(loaded.trials).toHaveLength(12);
    expect(loaded.plan.steps.map((s) => s.id)).toContain('rank-report');
    expect(loaded.plan.steps.find((s) => s.id === 'rank-c5-s2-eval')!.inputs.base).toBe('${steps.pretrain.outputs.model}');
  });
});
