/**
 * End-to-end tests of the workbench UI: Debian's Chromium driven by Playwright against
 * `sgr serve` with the real kernel (never `npx playwright install`: no browser download).
 */
import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

const chromium = process.env.SGR_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(chromium);
if (!haveChromium) {
  if (process.env.CI === 'true') throw new Error(`CI: no Chromium at ${chromium} — .ci/run installs Debian's chromium`);
  console.warn(`SKIPPING the e2e tests: no Chromium at ${chromium} (apt-get install chromium, or set SGR_CHROMIUM)`);
}

export default defineConfig({
  testDir: 'e2e',
  testMatch: haveChromium ? '*.spec.ts' : [],
  outputDir: 'e2e/.artifacts/results',
  timeout: 120_000,
  expect: { timeout: 20_000 },
  workers: 1,
  reporter: [['list']],
  use: {
    viewport: { width: 1400, height: 900 },
    launchOptions: {
      executablePath: chromium,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
    screenshot: 'only-on-failure',
    trace: 'off',
  },
});
