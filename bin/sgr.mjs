#!/usr/bin/env node
// Entry point of the `sgr` CLI. The kernel is TypeScript bundled into dist/sgr.mjs by
// `npm run build`; a fresh checkout builds it on first use.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/sgr.mjs', import.meta.url));
if (!existsSync(bundle)) {
  try {
    process.stderr.write('sgr: first use in this checkout — building dist/sgr.mjs\n');
    const { execFileSync } = await import('node:child_process');
    execFileSync(process.execPath, [fileURLToPath(new URL('../scripts/build.mjs', import.meta.url))], { stdio: 'inherit' });
  } catch {
    process.stderr.write('sgr: dist/sgr.mjs is missing and could not be built — run `npm ci && npm run build`\n');
    process.exit(70);
  }
}
await import(bundle);
