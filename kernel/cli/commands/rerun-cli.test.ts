/** `sgr replay`, `sgr drift` and `sgr rerun` as a user runs them: the built CLI on a temp home. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sgr, tempDir } from '../../../test/helpers';

const score = (expr: string) => `import json, os\nwith open(os.environ["SGR_EVENTS_FILE"], "a") as f: f.write(json.dumps({"type": "output", "name": "n", "value": ${expr}}) + "\\n")\n`;

const EXPERIMENT = `version: 1
name: cli-rerun
steps:
  data:
    skill: shell
    params:
      command: seq 1 50 > d.txt
      outputs: { data: d.txt }
  score:
    skill: python
    inputs: { data: "\${steps.data.outputs.data}" }
    params: { script: score.py }
`;

describe('sgr replay / drift / rerun', () => {
  it('prints per-step replay lines, drift sections and the re-run result diff, with their exit codes', async () => {
    const home = tempDir('sgr-rerun-cli-');
    const dir = tempDir('sgr-rerun-cli-exp-');
    writeFileSync(join(dir, 'experiment.yaml'), EXPERIMENT);
    writeFileSync(join(dir, 'score.py'), score('len(open(os.environ["SGR_INPUT_DATA"]).read())'));
    const run = await sgr(home, ['run', join(dir, 'experiment.yaml'), '-q']);
    expect(run.code, run.stderr).toBe(0);
    const runId = run.stdout.split('\n')[0] as string;

    const replay = await sgr(home, ['replay', runId]);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toBe('  ✓ data\n  ✓ score\nidentical — 2 steps re-derived from the journal without running any job\n');

    const same = await sgr(home, ['drift', runId]);
    expect(same.code).toBe(0);
    expect(same.stdout).toBe(`drift ${runId}: nothing changed since the run (code, environment, data, skills)\n`);

    const rerun = await sgr(home, ['rerun', runId]);
    expect(rerun.code, rerun.stderr).toBe(0);
    const rerunId = /^rerun (\S+) of /m.exec(rerun.stdout)?.[1];
    expect(rerun.stdout).toContain(`drift ${runId}: nothing changed`);
    expect(rerun.stdout).toContain(`results identical: ${rerunId} reproduces ${runId}`);
    // Progress went to stderr, as for sgr run: both steps executed, none cached.
    expect(rerun.stderr).toMatch(/✓ data(?! \(cached\))/);
    expect(rerun.stderr).not.toContain('(cached)');

    writeFileSync(join(dir, 'score.py'), score('7'));
    const drifted = await sgr(home, ['drift', runId]);
    expect(drifted.code).toBe(4);
    expect(drifted.stdout).toMatch(/^data: 1 drifted item\n {2}score\.py: sha256:[0-9a-f]{12} → sha256:[0-9a-f]{12}$/m);
    expect(drifted.stdout).toMatch(/^code: identical$/m);
    const json = JSON.parse((await sgr(home, ['drift', runId, '--json'])).stdout) as { identical: boolean; data: Array<{ path: string }> };
    expect(json).toMatchObject({ identical: false, data: [{ path: 'score.py' }] });

    const differs = await sgr(home, ['rerun', runId]);
    expect(differs.code).toBe(4);
    expect(differs.stdout).toMatch(/^ {2}score\.py: /m);
    expect(differs.stdout).toMatch(/^results differ: /m);
    expect(differs.stdout).toMatch(/^ {2}score\.outputs\.n: 141 → 7$/m);

    const asJson = await sgr(home, ['rerun', runId, '--json', '-q']);
    expect(asJson.code).toBe(4);
    const report = JSON.parse(asJson.stdout) as { of: string; state: string; results: { identical: boolean }; drift: { identical: boolean } };
    expect(report).toMatchObject({ of: runId, state: 'COMPLETED', results: { identical: false }, drift: { identical: false } });

    // An edited experiment file is code drift (the re-run still uses the frozen plan).
    writeFileSync(join(dir, 'experiment.yaml'), `${EXPERIMENT}# edited\n`);
    const edited = await sgr(home, ['drift', runId]);
    expect(edited.stdout).toMatch(new RegExp(`^code: 1 drifted item\n {2}experiment ${join(dir, 'experiment.yaml')}: sha256:[0-9a-f]{12} → sha256:[0-9a-f]{12}$`, 'm'));
  });
});
