// Bundles the CLI into one ESM file: one module graph to load makes `sgr` start fast,
// which matters when scripts and the crash test spawn it hundreds of times.
import { build } from 'esbuild';

await build({
  entryPoints: ['kernel/cli/main.ts'],
  outfile: 'dist/sgr.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  external: ['better-sqlite3'],
  banner: { js: "import { createRequire as __sgrCreateRequire } from 'node:module'; const require = __sgrCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
