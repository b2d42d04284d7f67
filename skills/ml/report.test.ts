/** The report: Markdown content and the JSON artifact. */
import { describe, expect, it } from 'vitest';
import type { ArtifactRef } from '../../kernel/common/plan';
import type { SkillContext } from '../../kernel/skills/api';
import { fmt, renderReport, reportSkill } from './report';
import { selectBest, selectParams } from './select';

const trials = [
  { config: 'r8', params: { rank: 8, lr: 0.003 }, seed: 0, value: 0.6, manifest: 'sgr manifest run-a' },
  { config: 'r8', params: { rank: 8, lr: 0.003 }, seed: 1, value: 0.62 },
  { config: 'r4', params: { rank: 4, lr: 0.003 }, seed: 0, value: 0.58 },
  { config: 'r4', params: { rank: 4, lr: 0.003 }, seed: 1, value: null, step: 'train_r4_s1' },
  null,
];
const selection = selectBest(trials, selectParams.parse({ metric: 'exact_match', direction: 'maximize' }));

function fakeContext(inputs: Record<string, unknown>): SkillContext & { blobs: Map<string, string> } {
  const blobs = new Map<string, string>();
  return {
    blobs, runId: 'run-42', stepId: 'report', attempt: 1, baseDir: '.', inputs,
    async putArtifact(name, data): Promise<ArtifactRef> {
      blobs.set(name, data.toString());
      return { $artifact: `sha256:${'0'.repeat(64)}`, size: data.length, name };
    },
    readArtifact: () => Promise.reject(new Error('unused')),
    effect: (_k, _d, fn) => fn(),
    log: () => undefined,
  };
}

describe('renderReport', () => {
  const md = renderReport(selection, { title: 'LoRA rank sweep', runId: 'run-42', runLink: 'http://localhost/runs/run-42' });

  it('has the title, metric, winner with CI and the ties', () => {
    expect(md.startsWith('# LoRA rank sweep\n')).toBe(true);
    expect(md).toContain('Metric: **exact_match** (maximize) · run `run-42`');
    expect(md).toMatch(/\*\*r8\*\* — mean 0\.61 \(95% CI \[0\.4829, 0\.7371\]\), n = 2; params: rank=8, lr=0\.003/);
    expect(md).toContain('Tied with the winner (intervals overlap or means within the tolerance): r4.');
  });

  it('has a ranked table with mean ± CI, n and per-seed values', () => {
    expect(md).toContain('| # | config | params | mean ± 95% CI | n | per-seed values |');
    expect(md).toContain('| 1 | r8 | rank=8, lr=0.003 | 0.61 ± 0.1271 | 2 | s0: 0.6, s1: 0.62 |');
    expect(md).toContain('| 2 | r4 | rank=4, lr=0.003 | 0.58 (n=1, no CI) | 1 | s0: 0.58, 1 failed |');
  });

  it('lists failed trials and links manifests', () => {
    expect(md).toContain('- r4 (seed 1, step `train_r4_s1`): no value');
    expect(md).toContain('- (unlabelled): no result');
    expect(md).toContain('- Run manifest: `sgr manifest run-42` (file `$SGR_HOME/manifests/run-42.json`)');
    expect(md).toContain('- Run: http://localhost/runs/run-42');
    expect(md).toContain('- r8 seed 0: sgr manifest run-a');
  });

  it('says so when every trial failed', () => {
    const none = selectBest([null], selectParams.parse({ metric: 'm', direction: 'minimize' }));
    expect(renderReport(none, { title: 't', runId: 'r' })).toContain('No config produced a value: every trial failed.');
  });

  it('formats numbers to four significant digits', () => {
    expect([fmt(0.612345), fmt(1234.5), fmt(0.5)]).toEqual(['0.6123', '1235', '0.5']);
  });
});

describe('report skill', () => {
  it('writes report.md and report.json from the select step\'s selection output', async () => {
    const ctx = fakeContext({ selection, trials });
    const out = await reportSkill.run({ title: 'Sweep' }, ctx);
    expect(out.winner).toBe('r8');
    expect(ctx.blobs.get('report.md')).toContain('# Sweep');
    const json = JSON.parse(ctx.blobs.get('report.json') as string) as Record<string, unknown>;
    expect(json).toMatchObject({ title: 'Sweep', runId: 'run-42', manifest: 'sgr manifest run-42', selection: { winner: { config: 'r8' } } });
    expect(reportSkill.outputs.safeParse(out).success).toBe(true);
  });

  it('explains a selection input that is not a select step\'s output', async () => {
    await expect(reportSkill.run({ title: 'x' }, fakeContext({ selection: 3 }))).rejects.toThrow(/must be the outputs of a select step/);
  });
});
