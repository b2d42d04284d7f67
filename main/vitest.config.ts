import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

// The main process's pure logic (path check, CSP, sender check, URL allowlist, channel
// names, event mapping). Nothing here imports electron, whose binary may be absent.
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['main/**/*.test.ts'],
    environment: 'node',
  },
});
