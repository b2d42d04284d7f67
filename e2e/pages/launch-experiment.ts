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

/** A run long enough to cancel or interrupt: one step reporting a metric every 0.2 s for ~10 s. */
export function slowExperimentText(name: string): string {
  return `version: 1
name: ${name}
steps:
  slow:
    skill: python
    params:
      code: |
        import time
        from sgr_worker import log_metric
        for i in range(50):
            log_metric("tick", i, step=i)
            time.sleep(0.2)
  after:
    skill: noop
    deps: [slow]
`;
}

/** Writes an experiment text into a fresh temp dir; returns its path. */
export function writeExperiment(name: string, text: string = experimentText(name)): string {
  const dir = mkdtempSync(join(tmpdir(), 'sgr-e2e-launch-'));
  const path = join(dir, 'experiment.yaml');
  writeFileSync(path, text);
  return path;
}
