import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadExperiment } from '../kernel/plan/load-experiment';
import { ensureCli, openKernel, ROOT, sgr, tempDir } from './helpers';

const kernel = openKernel();
afterAll(() => kernel.close());

const EXPECTED: Record<string, { steps: number; trials: number }> = {
  'lora-rank-ablation.yaml': { steps: 3 + 6 * 3 + 2, trials: 6 },
  'tpe-search.yaml': { steps: 3 + 4 + 8 * 3 + 2, trials: 8 },
  'curriculum.yaml': { steps: 3 + 3 * 3, trials: 3 },
  'ensemble.yaml': { steps: 3 + 3 * 3 + 1, trials: 3 },
};

describe('examples/*.yaml', () => {
  const files = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.yaml'));

  it('are all listed here', () => {
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const file of Object.keys(EXPECTED)) {
    it(`${file} loads, expands and validates against the built-in skills`, () => {
      const loaded = loadExperiment(join(ROOT, 'examples', file));
      expect(kernel.validate(loaded.plan)).toEqual([]);
      expect(loaded.plan.steps).toHaveLength(EXPECTED[file]!.steps);
      expect(loaded.trials).toHaveLength(EXPECTED[file]!.trials);
    });
  }

  it('sgr plan prints the expanded DAG and the trials without running anything', async () => {
    ensureCli();
    const home = tempDir();
    const r = await sgr(home, ['plan', join(ROOT, 'examples', 'lora-rank-ablation.yaml')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^lora-rank-ablation: 23 steps, concurrency 2/);
    expect(r.stdout).toMatch(/rank-c2-s2-eval\s+eval\s+\{"config":"\$\{steps.rank-c2-s2-config.outputs.config\}"\}\s+data, pretrain, rank-c2-s2-config, rank-c2-s2-train\n/);
    expect(r.stdout).toMatch(/sweep rank: 6 trials \(3 configurations\)/);
    expect(r.stdout).toMatch(/c1\s+2\s+\{"alpha":32,"rank":16,"seed":2\}/);
    const json = await sgr(home, ['plan', '--json', join(ROOT, 'examples', 'tpe-search.yaml')]);
    const parsed = JSON.parse(json.stdout) as { steps: Array<{ id: string; trigger?: string; deps: string[] }> };
    const suggest1 = parsed.steps.find((s) => s.id === 'search-suggest-1')!;
    expect(suggest1.trigger).toBe('all_done');
    expect(suggest1.deps).toEqual(expect.arrayContaining(['search-t0-eval', 'search-t1-train']));
    const runs = await sgr(home, ['runs', '--json']);
    expect(JSON.parse(runs.stdout)).toEqual([]);
  });
});
