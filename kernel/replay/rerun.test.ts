import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatchCall } from '../api/dispatch';
import type { Kernel } from '../api/kernel';
import { driftSchema } from '../common/contract-replay';
import { backgroundRun } from '../launch/background';
import { compareRuns } from '../query/compare';
import { openKernel, plan, runPlan, tempDir } from '../../test/helpers';
import { createRerun, resultDiff } from './rerun';
import { rerunOrigins } from './rerun-record';

let kernel: Kernel | null = null;
afterEach(async () => {
  await kernel?.close();
  kernel = null;
});

const metric = (v: number) => `printf '{"type":"metric","name":"acc","value":${v},"step":1}\\n' >> "$SGR_EVENTS_FILE"`;

/** A script that reports `expr` as its output `n`. */
const score = (expr: string) => `import json, os\nwith open(os.environ["SGR_EVENTS_FILE"], "a") as f: f.write(json.dumps({"type": "output", "name": "n", "value": ${expr}}) + "\\n")\n`;

/** A deterministic three-step run with a metric and a python script. */
function experiment(dir: string) {
  writeFileSync(join(dir, 'score.py'), score('len(open(os.environ["SGR_INPUT_DATA"]).read())'));
  return plan({
    name: 'rerun',
    baseDir: dir,
    steps: [
      { id: 'data', skill: 'shell', params: { command: `seq 1 50 > d.txt; ${metric(0.75)}`, outputs: { data: 'd.txt' } } },
      { id: 'score', skill: 'python', inputs: { data: '${steps.data.outputs.data}' }, params: { script: 'score.py' } },
      { id: 'copy', skill: 'shell', inputs: { data: '${steps.data.outputs.data}' }, params: { command: 'cp "$SGR_INPUT_DATA" c.txt', outputs: { c: 'c.txt' } } },
    ],
  });
}

const hits = (k: Kernel, runId: string) => k.steps(runId).map((s) => s.cache_hit);

describe('re-run', () => {
  it('executes every step again (no cache hits), is marked as a re-run, and reproduces the results', async () => {
    kernel = openKernel(tempDir('sgr-rerun-'));
    const { runId: original } = await runPlan(kernel, experiment(tempDir('sgr-rerun-exp-')));
    // A plain second run of the same plan is all cache hits…
    const cached = createRerun(kernel, original);
    expect(await kernel.execute(cached, { reuseCache: true })).toBe('COMPLETED');
    expect(hits(kernel, cached)).toEqual([1, 1, 1]);
    // …a re-run is none, whatever is in the cache.
    const rerun = createRerun(kernel, original);
    expect(await kernel.execute(rerun)).toBe('COMPLETED');
    expect(hits(kernel, rerun)).toEqual([0, 0, 0]);
    const jobs = kernel.db.prepare("SELECT count(*) AS n FROM effects WHERE run_id = ? AND kind = 'job.start'").get(rerun) as { n: number };
    expect(jobs.n).toBe(3);

    expect(rerunOrigins(kernel.db, [original, rerun])).toEqual(new Map([[rerun, original]]));
    expect(compareRuns(kernel.db, kernel.journal.blobs, [original, rerun]).runs.map((r) => r.rerunOf)).toEqual([null, original]);
    const detail = await dispatchCall(kernel, 'runs.get', { runId: rerun });
    expect(detail).toMatchObject({ ok: true, value: { id: rerun, rerunOf: original } });
    const r = resultDiff(kernel, original, rerun);
    expect(r).toEqual({ identical: true, sections: { metrics: { identical: true, changes: [] }, steps: { identical: true, changes: [] } } });
    // Same frozen plan and experiment digest: nothing but the run differs.
    expect(kernel.requireRun(rerun)).toMatchObject({ plan_digest: kernel.requireRun(original).plan_digest, experiment_digest: kernel.requireRun(original).experiment_digest });
    // Its journal replays like any run's (the skipped lookups were recorded as misses).
    expect((await kernel.replay(rerun)).identical).toBe(true);
    // A re-run of a cached run: its metrics were not reported then, which is no difference.
    expect(resultDiff(kernel, cached, rerun).identical).toBe(true);
    // The re-run's results went to the cache.
    const again = createRerun(kernel, rerun);
    expect(await kernel.execute(again, { reuseCache: true })).toBe('COMPLETED');
    expect(hits(kernel, again)).toEqual([1, 1, 1]);
  });

  it('reports differing results when the re-run produces other outputs, and only then', async () => {
    kernel = openKernel(tempDir('sgr-rerun-'));
    const dir = tempDir('sgr-rerun-exp-');
    const { runId: original } = await runPlan(kernel, experiment(dir));
    // An edit that changes no output (a comment) changes cache keys only: the results are identical.
    writeFileSync(join(dir, 'score.py'), `# a comment\n${score('len(open(os.environ["SGR_INPUT_DATA"]).read())')}`);
    const commented = createRerun(kernel, original);
    expect(await kernel.execute(commented)).toBe('COMPLETED');
    expect(resultDiff(kernel, original, commented).identical).toBe(true);

    writeFileSync(join(dir, 'score.py'), score('7'));
    const rerun = createRerun(kernel, original);
    expect(await kernel.execute(rerun)).toBe('COMPLETED');
    const r = resultDiff(kernel, original, rerun);
    expect(r.identical).toBe(false);
    expect(r.sections.metrics.identical).toBe(true);
    // The edited script changed the step's output (its cache key too, which is no result).
    expect(r.sections.steps.changes).toEqual([{ path: 'score.outputs.n', a: 141, b: 7 }]);
  });

  it('runs.rerun returns the drift report and the new run, which completes in the background', async () => {
    kernel = openKernel(tempDir('sgr-rerun-'));
    const { runId: original } = await runPlan(kernel, experiment(tempDir('sgr-rerun-exp-')));
    const res = await dispatchCall(kernel, 'runs.rerun', { runId: original });
    if (!res.ok) throw new Error(res.error.message);
    const { runId, drift } = res.value as { runId: string; drift: unknown };
    expect(driftSchema.parse(drift)).toMatchObject({ runId: original, identical: true });
    expect(await backgroundRun(runId)?.done).toBe('COMPLETED');
    expect(hits(kernel, runId)).toEqual([0, 0, 0]);
    const bad = await dispatchCall(kernel, 'runs.rerun', { runId: original, target: 'mars' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad_input', message: expect.stringContaining('"mars"') } });
  });
});
