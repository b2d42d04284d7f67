/**
 * Seeds a journal for the e2e tests (bundled by scripts/build.mjs into dist/e2e-seed.mjs):
 *   node dist/e2e-seed.mjs <home> runs <count>
 *   node dist/e2e-seed.mjs <home> series <runId> <stepId> <name> <points> <spikeAt> <spikeValue>
 */
import { Kernel } from '../../kernel/api/kernel';
import { seedRuns } from '../../kernel/query/seed';
import { appendMetrics, type MetricRow } from '../../kernel/store/metrics-repo';
import { builtinSkills } from '../../skills';

const [home, what, ...args] = process.argv.slice(2);
if (!home || !what) throw new Error('usage: e2e-seed <home> runs <count> | series <runId> <stepId> <name> <points> <spikeAt> <spikeValue>');
const kernel = Kernel.open({ home, skills: builtinSkills });
try {
  if (what === 'runs') {
    const t = Date.now();
    seedRuns(kernel.db, { count: Number(args[0]) });
    process.stdout.write(`seeded ${args[0]} runs in ${Date.now() - t} ms\n`);
  } else if (what === 'series') {
    const [runId, stepId, name, points, spikeAt, spikeValue] = args as [string, string, string, string, string, string];
    const n = Number(points);
    const t = Date.now();
    const batch: MetricRow[] = [];
    for (let i = 0; i < n; i++) {
      batch.push({ runId, stepId, attempt: 1, name, step: i, value: i === Number(spikeAt) ? Number(spikeValue) : Math.sin(i / 5000) + 2, ts: i });
      if (batch.length === 10_000 || i === n - 1) {
        appendMetrics(kernel.db, batch);
        batch.length = 0;
      }
    }
    process.stdout.write(`seeded ${n} points of ${name} in ${Date.now() - t} ms\n`);
  } else throw new Error(`unknown seed kind ${what}`);
} finally {
  await kernel.close();
}
