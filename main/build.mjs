// Bundles the Electron main process (main/index.ts → dist/main/index.cjs) and the preload
// script (preload/index.ts → dist/preload/index.cjs). CommonJS: Electron loads the main
// entry with require(), and a sandboxed preload can only be a single CommonJS file that
// requires nothing but 'electron'.
//
// The preload imports the contract only for its name lists; bundling contract.ts would pull
// zod into the preload. So the import is replaced by a virtual module holding the lists as
// plain arrays, computed here from the real contract (one source of truth, no schema code).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const contractPath = fileURLToPath(new URL('../kernel/common/contract.ts', import.meta.url));

/** The contract's METHOD_NAMES and EVENT_NAMES, evaluated from its source. */
export async function contractNames() {
  const out = await build({
    entryPoints: [contractPath], bundle: true, platform: 'node', format: 'esm', write: false, logLevel: 'silent',
  });
  const mod = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
  return { METHOD_NAMES: [...mod.METHOD_NAMES], EVENT_NAMES: [...mod.EVENT_NAMES] };
}

function contractNamesPlugin(names) {
  return {
    name: 'contract-names',
    setup(b) {
      b.onResolve({ filter: /kernel\/common\/contract$/ }, () => ({ path: 'contract-names', namespace: 'contract-names' }));
      b.onLoad({ filter: /.*/, namespace: 'contract-names' }, () => ({
        contents: `export const METHOD_NAMES = ${JSON.stringify(names.METHOD_NAMES)};\nexport const EVENT_NAMES = ${JSON.stringify(names.EVENT_NAMES)};\n`,
        loader: 'js',
      }));
    },
  };
}

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  sourcemap: 'linked',
  keepNames: true,
  logLevel: 'warning',
};

/** esbuild options of the preload bundle (exported for the test that inspects it). */
export async function preloadOptions() {
  return {
    ...common,
    entryPoints: ['preload/index.ts'],
    outfile: 'dist/preload/index.cjs',
    external: ['electron'],
    plugins: [contractNamesPlugin(await contractNames())],
  };
}

export async function buildElectron() {
  await build(await preloadOptions());
  await build({
    ...common,
    entryPoints: ['main/index.ts'],
    outfile: 'dist/main/index.cjs',
    external: ['electron', 'better-sqlite3'],
    minify: true,
    // The kernel locates sdk/python from import.meta.url. In CommonJS that is the bundle's
    // file; inside a package it must point at app.asar.unpacked, where the Python SDK lives
    // (Python cannot read from an asar archive).
    define: { 'import.meta.url': '__sgrImportMetaUrl' },
    banner: {
      js: "const __sgrImportMetaUrl = require('node:url').pathToFileURL(__filename.replace(/app\\.asar([\\\\/])/, 'app.asar.unpacked$1')).href;",
    },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildElectron();
}
