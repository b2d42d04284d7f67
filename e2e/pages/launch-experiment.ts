/**
 * The small experiment the launch and replay specs run: a seeded synthetic dataset (in-process,
 * deterministic; its `source.synthetic.seed` is the numeric param a sweep varies) and a Python
 * job that reads the train split through its inputs — not its params, so the seed is the only
 * param that differs between trials — and reports `chars` as a metric and an output.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SWEPT_STEP = 'data';
export const SWEPT_PARAM = 'source.synthetic.seed';

export function experimentText(name: string): string {
  return `version: 1
name: ${name}
steps:
  data:
    skill: dataset
    params: { source: { synthetic: { seed: 1, size: 60 } } }
  stats:
    skill: python
    inputs: { train: "\${steps.data.outputs.train}" }
    params:
      code: |
        import glob
        from sgr_worker import log_metric, log_output
        path = glob.glob("inputs/**/*.jsonl", recursive=True)[0]
        chars = sum(len(line) for line in open(path))
        log_metric("chars", chars)
        log_output("chars", chars)
        print(path, chars)
`;
}

/** Writes the experiment into a fresh temp dir; returns its path. */
export function writeExperiment(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sgr-e2e-launch-'));
  const path = join(dir, 'experiment.yaml');
  writeFileSync(path, experimentText(name));
  return path;
}
