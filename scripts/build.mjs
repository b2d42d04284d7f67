// Bundles the CLI into one ESM file: one module graph to load makes `sgr` start fast,
// which matters when scripts and the crash test spawn it hundreds of times.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  minify: true,
  keepNames: true,
  external: ['better-sqlite3', 'dockerode', 'ssh2'],
  banner: { js: "import { createRequire as __sgrCreateRequire } from 'node:module'; const require = __sgrCreateRequire(import.meta.url);" },
  logLevel: 'warning',
};
await build({ ...common, entryPoints: ['kernel/cli/main.ts'], outfile: 'dist/sgr.mjs' });
// The e2e tests' journal seeding tool (100k runs, a 1M-point series).
await build({ ...common, entryPoints: ['e2e/tools/seed.ts'], outfile: 'dist/e2e-seed.mjs' });
if (process.argv.includes('--bench')) {
  await build({ ...common, entryPoints: ['bench/run.ts'], outfile: 'dist/bench.mjs' });
}
