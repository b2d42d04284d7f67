#!/usr/bin/env node
// Entry point of the `sgr` CLI; the bundle is produced by `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/sgr.mjs', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write('sgr: dist/sgr.mjs is missing — run `npm run build` first.\n');
  process.exit(70);
}
await import(bundle);
