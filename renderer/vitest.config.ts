import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

// The renderer's pure logic (no DOM library is installed): node environment.
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['renderer/src/**/*.test.ts'],
    environment: 'node',
  },
});
