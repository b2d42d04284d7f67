#!/usr/bin/env node
// `npm start`: the desktop app when Electron's binary is installed, otherwise the same UI
// in serve mode. Electron is an optionalDependency whose binary download fails offline, so
// a checkout without it is normal, not an error.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);

/** The Electron executable, or null. `require('electron')` throws when its binary is missing. */
function electronBinary() {
  try {
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

function newestMtime(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  }
  return newest;
}

function run(cmd, argv) {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** Forwards SIGINT/SIGTERM/SIGHUP to `child` and exits with its status. */
function follow(child) {
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + (constants.signals[signal] ?? 1) : 1)));
}

const electron = electronBinary();
if (!electron) {
  process.stderr.write('sgr: Electron is not installed here (offline install); starting serve mode instead\n');
  follow(spawn(process.execPath, [join(root, 'bin', 'sgr.mjs'), 'serve', ...args], { cwd: root, stdio: 'inherit' }));
} else {
  // esbuild takes about a second: always rebuild main + preload; vite only when stale.
  run(process.execPath, [join(root, 'main', 'build.mjs')]);
  const rendererIndex = join(root, 'dist', 'renderer', 'index.html');
  const builtAt = existsSync(rendererIndex) ? statSync(rendererIndex).mtimeMs : 0;
  if (builtAt < Math.max(newestMtime(join(root, 'renderer', 'src')), newestMtime(join(root, 'kernel', 'common')), statSync(join(root, 'renderer', 'index.html')).mtimeMs)) {
    run(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(root, 'renderer', 'vite.config.ts')]);
  }
  // better-sqlite3 is native: the build for Node (CLI, tests) does not load in Electron. A
  // development Electron still honours ELECTRON_RUN_AS_NODE (the fuse is off only in
  // packaged builds), so probe the module under Electron's ABI before opening a window.
  const probe = spawnSync(electron, ['-e', "require('better-sqlite3')"], { cwd: root, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, encoding: 'utf8' });
  if (probe.status !== 0 && /NODE_MODULE_VERSION|was compiled against a different/.test(probe.stderr ?? '')) {
    process.stderr.write('sgr: better-sqlite3 is built for Node, not Electron — run `npx electron-builder install-app-deps` (and `npm rebuild better-sqlite3` to return to the CLI); see docs/electron.md\n');
    process.exit(1);
  }
  follow(spawn(electron, [join(root, 'dist', 'main', 'index.cjs'), ...args], { cwd: root, stdio: 'inherit' }));
}
