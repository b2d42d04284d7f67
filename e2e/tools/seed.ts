/**
 * Seeds a journal for the e2e tests (bundled by scripts/build.mjs into dist/e2e-seed.mjs):
 *   node dist/e2e-seed.mjs <home> runs <count>
 *   node dist/e2e-seed.mjs <home> series <runId> <stepId> <name> <points> <spikeAt> <spikeValue>
 */
import { Kernel } from '../../kernel/api/kernel';
import { seedRuns } from '../../kernel/query/seed';
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
    const ins = kernel.db.prepare('INSERT INTO metrics (run_id, step_id, attempt, name, step, value, ts) VALUES (?, ?, 1, ?, ?, ?, ?)');
    const n = Number(points);
    kernel.db.transaction(() => {
      for (let i = 0; i < n; i++) ins.run(runId, stepId, name, i, i === Number(spikeAt) ? Number(spikeValue) : Math.sin(i / 5000) + 2, i);
    })();
    process.stdout.write(`seeded ${n} points of ${name}\n`);
  } else throw new Error(`unknown seed kind ${what}`);
} finally {
  await kernel.close();
}
