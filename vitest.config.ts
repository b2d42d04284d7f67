import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Playwright specs (*.spec.ts) are run by Playwright, never by vitest.
    include: ['kernel/**/*.test.ts', 'skills/**/*.test.ts', 'test/**/*.test.ts', 'main/**/*.test.ts', 'renderer/src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
