/**
 * Browser plumbing for the editor benchmark: `sgr serve` on a home, a static server for a
 * built page, and Debian's Chromium through playwright-core (loaded from node_modules, not
 * bundled into dist/bench.mjs).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { extname, join, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';

/** Starts `sgr serve --port 0` and resolves with its URL (token included) once it prints it. */
export async function startServe(sgrCli: string, env: NodeJS.ProcessEnv): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [sgrCli, 'serve', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`sgr serve printed no URL: ${out}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^sgr serve: (\S+)/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (c) => reject(new Error(`sgr serve exited ${c}: ${out}`)));
  });
  return { url, child };
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.map': 'application/json' };

/** Serves the files of `dir` on 127.0.0.1 (a built peer page: module scripts do not load from file://). */
export async function serveDir(dir: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = normalize(join(dir, decodeURIComponent((req.url ?? '/').split('?')[0]!)));
    const file = path.startsWith(dir) && existsSync(path) && statSync(path).isDirectory() ? join(path, 'index.html') : path;
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('static server has no port');
  return { url: `http://127.0.0.1:${addr.port}/`, server };
}

/** Debian's Chromium (or $SGR_CHROMIUM), headless. */
export async function launchChromium(): Promise<Browser> {
  const pwPath = pathToFileURL(createRequire(import.meta.url).resolve('playwright-core')).href;
  const mod = (await import(pwPath)) as typeof import('playwright-core') & { default?: typeof import('playwright-core') };
  const pw = mod.default ?? mod;
  return pw.chromium.launch({
    executablePath: process.env.SGR_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
