/**
 * `sgr serve`: the workbench UI over HTTP + WebSocket. Loopback only by default, every
 * request and the WS upgrade need the per-start random token, the renderer build is served
 * from dist/renderer with a path check and a strict CSP, and `/ws` carries the contract's
 * ClientFrame/ServerFrame JSON through dispatchCall — the same entry point as Electron IPC.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, realpathSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { dispatchCall } from '../api/dispatch';
import type { Kernel } from '../api/kernel';
import type { ClientFrame, ServerFrame } from '../common/contract';
import { authorize, COOKIE } from './auth';
import { onLaunchProgress } from '../launch/progress';
import { JournalTailer } from './tailer';

export interface ServeOptions {
  host?: string;
  port?: number;
  token?: string;
  /** The renderer build; default `<repo>/dist/renderer`. */
  staticDir?: string;
  pollMs?: number;
}

export interface RunningServer {
  url: string;
  host: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.woff': 'font/woff', '.map': 'application/json', '.txt': 'text/plain; charset=utf-8',
};

export const isLoopback = (host: string): boolean => host === 'localhost' || host === '::1' || /^127\./.test(host);

/**
 * `$SGR_UI_DIR` when set (a UI built elsewhere, e.g. `SGR_UI_OUT=… npm run build:ui`), else
 * dist/renderer under the repo root: the nearest folder up from this module (or the bundle)
 * with package.json.
 */
function defaultStaticDir(): string {
  if (process.env.SGR_UI_DIR) return resolve(process.env.SGR_UI_DIR);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'dist', 'renderer');
    dir = dirname(dir);
  }
  return resolve('dist', 'renderer');
}

/** Methods after which the run they name is watched again, so its new state reaches every client. */
const RUN_MUTATIONS = new Set(['runs.cancel', 'runs.resume']);

const MISSING_UI = `<!doctype html><meta charset="utf-8"><title>SGR Workbench</title>
<h1>The workbench UI is not built</h1><p>Run <code>npm run build:ui</code>, then reload this page.</p>`;

/** @example const s = await startServer(kernel, { port: 0 }); console.log(s.url) */
export async function startServer(kernel: Kernel, opts: ServeOptions = {}): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? randomBytes(32).toString('hex');
  const root = opts.staticDir ?? defaultStaticDir();
  let port = 0;
  const hostPort = () => `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const headers = (): Record<string, string> => ({
    'Content-Security-Policy': `default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws://${hostPort()}; font-src 'self'`,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
  });
  const deny = (res: ServerResponse, code: number, text: string) => {
    res.writeHead(code, { ...headers(), 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(text);
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const how = authorize(req, url, token);
    if (!how) return deny(res, 401, 'unauthorized\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return deny(res, 405, 'method not allowed\n');
    const extra: Record<string, string> = {};
    // The first page load carries the token in the URL; later requests (scripts, the WS) use a cookie.
    if (how === 'query') extra['Set-Cookie'] = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      return deny(res, 400, 'bad path\n');
    }
    if (rel.includes('\0')) return deny(res, 400, 'bad path\n');
    if (!existsSync(join(root, 'index.html'))) {
      res.writeHead(503, { ...headers(), ...extra, 'Content-Type': TYPES['.html'] as string });
      return res.end(MISSING_UI);
    }
    const realRoot = realpathSync(root);
    let file = resolve(realRoot, `.${rel}`);
    if (file !== realRoot && !file.startsWith(realRoot + sep)) return deny(res, 403, 'forbidden\n');
    // Client-side routes (no extension) get the app shell.
    if (!existsSync(file) || statSync(file).isDirectory()) {
      if (extname(rel) !== '') return deny(res, 404, 'not found\n');
      file = join(realRoot, 'index.html');
    }
    const real = realpathSync(file);
    if (!real.startsWith(realRoot + sep)) return deny(res, 403, 'forbidden\n');
    res.writeHead(200, { ...headers(), ...extra, 'Content-Type': TYPES[extname(real)] ?? 'application/octet-stream', 'Content-Length': statSync(real).size });
    if (req.method === 'HEAD') return res.end();
    createReadStream(real).pipe(res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const origin = req.headers.origin;
    const originOk = origin === undefined || origin === `http://${hostPort()}` || (isLoopback(host) && origin === `http://localhost:${port}`);
    if (url.pathname !== '/ws' || !authorize(req, url, token) || !originOk) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  const send = (ws: WebSocket, frame: ServerFrame) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  };
  wss.on('connection', (ws: WebSocket) => {
    ws.on('message', (data) => {
      let frame: ClientFrame;
      try {
        frame = JSON.parse(String(data)) as ClientFrame;
      } catch {
        return;
      }
      if (frame?.type !== 'call' || typeof frame.id !== 'number') return;
      void dispatchCall(kernel, String(frame.method), frame.input, { mode: 'serve' }).then((result) => {
        send(ws, { type: 'result', id: frame.id, result });
        // A cancel of a run nobody executes, or a resume, changes a run the tailer may not watch.
        const runId = (frame.input as { runId?: unknown } | null)?.runId;
        if (result.ok && RUN_MUTATIONS.has(String(frame.method)) && typeof runId === 'string') tailer.watch(runId);
      });
    });
  });
  const tailer = new JournalTailer(kernel.db, (event, payload) => {
    for (const ws of wss.clients) send(ws, { type: 'event', event, payload });
  }, opts.pollMs ?? 200);
  tailer.start();
  // Runs this process executes reach the UI through the journal like any other (the tailer);
  // launch.progress is not in the journal, so it is forwarded from the launcher directly.
  const offLaunch = onLaunchProgress(kernel, (payload) => {
    for (const ws of wss.clients) send(ws, { type: 'event', event: 'launch.progress', payload });
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, host, () => ok());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${hostPort()}/?token=${token}`,
    host,
    port,
    token,
    close: () =>
      new Promise<void>((ok) => {
        tailer.stop();
        offLaunch();
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
