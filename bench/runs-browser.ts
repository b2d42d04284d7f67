/**
 * Runs browser at 100,000 runs: time from a user's input (search typed, state chip, sort
 * header) to the first row of the new result painted, measured in Debian's Chromium driven
 * by playwright-core against `sgr serve`, next to the server-side runs.list alone.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Kernel } from '../kernel/api/kernel';
import { dispatchCall } from '../kernel/api/dispatch';
import { seedRunId, seedRuns } from '../kernel/query/seed';
import { builtinSkills } from '../skills';
import { median, type BenchResult } from './types';

type Action = { label: string; kind: 'search' | 'click'; target: string; value?: string; query: unknown };

export async function benchRunsBrowser(opts: { workDir: string; sgrCli: string; log?: (l: string) => void; reps?: number }): Promise<BenchResult> {
  const log = opts.log ?? (() => undefined);
  const reps = opts.reps ?? 20;
  const home = mkdtempSync(join(opts.workDir, 'browser-'));
  const kernel = Kernel.open({ home, skills: builtinSkills });
  seedRuns(kernel.db, { count: 100_000 });
  log('  seeding 100,000 runs');
  const id = seedRunId(54_321);
  const actions: Action[] = [
    { label: 'search a run id', kind: 'search', target: 'runs-search', value: id, query: { filter: { search: id } } },
    { label: 'clear the search', kind: 'search', target: 'runs-search', value: '', query: {} },
    { label: 'state chip FAILED', kind: 'click', target: 'state-chip-FAILED', query: { filter: { states: ['FAILED'] } } },
    { label: 'sort by name', kind: 'click', target: 'col-name', query: { filter: { states: ['FAILED'] }, sort: { field: 'name', dir: 'asc' } } },
    { label: 'state chip FAILED off', kind: 'click', target: 'state-chip-FAILED', query: { sort: { field: 'name', dir: 'asc' } } },
    { label: 'sort by name again', kind: 'click', target: 'col-name', query: { sort: { field: 'name', dir: 'desc' } } },
  ];
  // Server side alone: the same queries through dispatchCall, as serve runs them.
  const server: number[] = [];
  for (let i = 0; i < reps; i++) {
    for (const a of actions) {
      const t = performance.now();
      const r = await dispatchCall(kernel, 'runs.list', { limit: 100, ...(a.query as object) });
      server.push(performance.now() - t);
      if (!r.ok) throw new Error(r.error.message);
    }
  }
  await kernel.close();

  const child = spawn(process.execPath, [opts.sgrCli, 'serve', '--port', '0'], { env: { ...process.env, SGR_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`sgr serve printed no URL: ${out}`)), 20_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /^sgr serve: (\S+)/m.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.on('exit', (c) => reject(new Error(`sgr serve exited ${c}`)));
    });
    // Not bundled: playwright-core is a dev dependency loaded from node_modules.
    const pwPath = pathToFileURL(createRequire(import.meta.url).resolve('playwright-core')).href;
    const mod = (await import(pwPath)) as typeof import('playwright-core') & { default?: typeof import('playwright-core') };
    const pw = mod.default ?? mod;
    const browser = await pw.chromium.launch({
      executablePath: process.env.SGR_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const t0 = Date.now();
      await page.goto(url);
      const errors: string[] = [];
      page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
      page.on('pageerror', (e) => void errors.push(e.message));
      await page.locator('[data-testid=run-row]').first().waitFor({ timeout: 30_000 }).catch(async (e: Error) => {
        throw new Error(`${e.message}\n${errors.join('\n')}\n${(await page.content()).slice(0, 2000)}`);
      });
      const firstLoad = (Date.now() - t0) / 1000;
      const ui = new Map<string, number[]>(actions.map((a) => [a.label, []]));
      for (let i = 0; i < reps; i++) {
        for (const a of actions) {
          // In the page: performance.now() at the input event, then the first mutation that
          // changes the first row (id) or the total, then the next animation frame (paint).
          const ms = (await page.evaluate(probe(a.kind, a.target, a.value ?? ''))) as number;
          if (ms >= 0) ui.get(a.label)!.push(ms);
          // Let the UI settle (debounce tails, late pages) before the next interaction.
          await page.waitForTimeout(150);
        }
      }
      const allUi = [...ui.values()].flat();
      const uiMed = median(allUi) / 1000;
      const srvMed = median(server) / 1000;
      const rows: BenchResult['rows'] = [
        { label: 'input → first row of the new result painted (Chromium, all interactions)', seconds: uiMed, note: `median of ${allUi.length}; p90 ${(p90(allUi)).toFixed(1)} ms` },
        ...actions.map((a) => ({ label: `  ${a.label}`, seconds: median(ui.get(a.label)!) / 1000, note: `median of ${ui.get(a.label)!.length}` })),
        { label: 'runs.list alone (dispatchCall, same queries)', seconds: srvMed, note: `median of ${server.length}; p90 ${p90(server).toFixed(1)} ms` },
        { label: 'first page after navigation (page load + query + render)', seconds: firstLoad },
      ];
      return {
        name: 'Runs browser at 100k runs',
        command: 'npm run bench -- browser',
        rows,
        ratios: [
          { label: 'input → painted / 100 ms target', value: uiMed / 0.1, target: '< 1', pass: uiMed < 0.1 },
          { label: 'runs.list alone / 20 ms target', value: srvMed / 0.02, target: '< 1', pass: srvMed < 0.02 },
          { label: 'input → painted / runs.list alone', value: uiMed / srvMed },
        ],
        notes: [
          `100,000 runs seeded by kernel/query/seed.ts; \`sgr serve\` with Debian Chromium (${reps} rounds of ${actions.length} interactions, viewport 1400×900). ` +
            'Time is taken inside the page: performance.now() at the input event to the animation frame after the first DOM mutation that changes the first row or the total; it includes the UI’s own debounce of search input, the WebSocket round trip and React’s render.',
        ],
      };
    } finally {
      await browser.close();
    }
  } finally {
    child.kill('SIGTERM');
    rmSync(home, { recursive: true, force: true });
  }
}

/** The in-page probe, as source (this package is type-checked without the DOM library). */
function probe(kind: string, target: string, value: string): string {
  return `(async () => {
    const sig = () => {
      const t = document.querySelector('[data-testid=runs-table]');
      const r = document.querySelector('[data-testid=run-row]');
      return (t ? t.getAttribute('data-total') : '') + '|' + (r ? r.getAttribute('data-run-id') + r.textContent : '');
    };
    const before = sig();
    const el = document.querySelector('[data-testid=${target}]');
    return await new Promise((resolve) => {
      let start = 0;
      const obs = new MutationObserver(() => {
        if (sig() === before || !document.querySelector('[data-testid=run-row]')) return;
        obs.disconnect();
        clearTimeout(timer);
        requestAnimationFrame(() => resolve(performance.now() - start));
      });
      const timer = setTimeout(() => { obs.disconnect(); resolve(-1); }, 10000);
      obs.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
      start = performance.now();
      if (${JSON.stringify(kind)} === 'search') {
        Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(el, ${JSON.stringify(value)});
        el.dispatchEvent(new Event('input', { bubbles: true }));
      } else el.click();
    });
  })()`;
}

function p90(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.9))] ?? 0;
}
