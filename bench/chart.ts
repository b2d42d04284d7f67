/**
 * A 1,000,000-point metric series from the journal to a drawn chart: click the metric in the
 * run view of Debian's Chromium (playwright-core, against `sgr serve`) until uPlot has drawn
 * an axis that reaches the seeded spike. The peer is the server-side query alone.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Kernel } from '../kernel/api/kernel';
import { metricSeries } from '../kernel/query/metrics';
import { appendMetrics } from '../kernel/store/metrics-repo';
import { builtinSkills } from '../skills';
import { median, type BenchResult } from './types';

const POINTS = 1_000_000;

/** In-page probe, as source (bench/ is type-checked without the DOM library). */
const PROBE = `new Promise((resolve) => {
  const t0 = performance.now();
  const check = () => {
    const el = document.querySelector('[data-testid=metric-chart]');
    if (el && Number(el.getAttribute('data-scale-max')) >= 1000) resolve(performance.now() - t0);
    else requestAnimationFrame(check);
  };
  document.querySelector('[data-testid=metric-chip-loss]').click();
  requestAnimationFrame(check);
})`;

export async function benchChart(opts: { workDir: string; sgrCli: string; log?: (l: string) => void; reps?: number }): Promise<BenchResult> {
  const log = opts.log ?? (() => undefined);
  const reps = opts.reps ?? 20;
  const dir = mkdtempSync(join(opts.workDir, 'chart-'));
  const home = join(dir, 'home');
  const env = { ...process.env, SGR_HOME: home };
  writeFileSync(join(dir, 'e.yaml'), 'version: 1\nname: chart\nsteps:\n  fit:\n    skill: python\n    params: { code: "from sgr_worker import log_metric\\nlog_metric(\'noise\', 2.0, step=0)\\n" }\n');
  const run = spawnSync(process.execPath, [opts.sgrCli, 'run', '-q', join(dir, 'e.yaml')], { env, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`sgr run failed: ${run.stderr}`);
  const runId = run.stdout.split('\n')[0]!;
  const kernel = Kernel.open({ home, skills: builtinSkills });
  log(`  seeding ${POINTS.toLocaleString('en')} points with one spike`);
  for (let b = 0; b < POINTS / 10_000; b++) {
    appendMetrics(kernel.db, Array.from({ length: 10_000 }, (_, j) => {
      const i = b * 10_000 + j;
      return { runId, stepId: 'fit', attempt: 1, name: 'loss', step: i, value: i === 777_777 ? 1000 : Math.sin(i / 5000) + 2, ts: i };
    }));
  }
  const server: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    metricSeries(kernel.db, { runId, name: 'loss', buckets: 1000 });
    server.push(performance.now() - t);
  }
  await kernel.close();

  const child = spawn(process.execPath, [opts.sgrCli, 'serve', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /^sgr serve: (\S+)/m.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (c) => reject(new Error(`sgr serve exited ${c}`)));
    });
    // Not bundled: playwright-core is a dev dependency loaded from node_modules.
    const mod = (await import(pathToFileURL(createRequire(import.meta.url).resolve('playwright-core')).href)) as typeof import('playwright-core') & { default?: typeof import('playwright-core') };
    const pw = mod.default ?? mod;
    const browser = await pw.chromium.launch({
      executablePath: process.env.SGR_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${url}#/runs/${runId}`);
    await page.getByTestId('metric-chip-loss').waitFor();
    const drawn: number[] = [];
    for (let i = 0; i < reps; i++) {
      const chip = page.getByTestId('metric-chip-loss');
      if ((await chip.getAttribute('aria-pressed')) === 'true') {
        await chip.click();
        await page.waitForTimeout(200);
      }
      drawn.push((await page.evaluate(PROBE)) as number);
    }
    await browser.close();
    const ui = median(drawn);
    const q = median(server);
    log(`  click → drawn ${ui.toFixed(1)} ms, query alone ${q.toFixed(1)} ms`);
    return {
      name: '1M-point chart, journal to drawn',
      command: 'npm run bench -- chart',
      rows: [
        { label: 'click on the metric → uPlot drew 1,000,000 points as ≤ 1000 min/max buckets, axis reaching the spike (Chromium)', seconds: ui / 1000, note: `median of ${reps}` },
        { label: 'peer: metrics.series alone (server-side query from rollups)', seconds: q / 1000, note: `median of ${reps}` },
      ],
      ratios: [
        { label: 'journal → drawn / 200 ms target', value: ui / 200, target: '< 1', pass: ui < 200 },
        { label: 'journal → drawn / query alone', value: ui / q },
      ],
      notes: ['The time runs from the click in the page to the animation frame in which the chart element reports a y axis reaching the seeded spike (1000 at step 777,777): WebSocket round trip, query, JSON, alignment and the uPlot draw.'],
    };
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
