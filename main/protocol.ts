/**
 * The app:// protocol that serves dist/renderer/. Registered as privileged before `ready`
 * (standard + secure: a real origin, treated like https); the handler resolves every URL
 * through the path check and stamps the CSP on every response, errors included.
 */
import { readFile } from 'node:fs/promises';
import { protocol, type Session } from 'electron';
import { resolveAppPath } from './security/app-path';
import { securityHeaders } from './security/csp';
import { mimeType } from './security/mime';
import { APP_SCHEME } from './security/origin';

/** Must run before app `ready`. No bypassCSP, no service workers, no CORS exemptions. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
}

/** Serves `rendererDir` on app:// for `ses`. */
export function serveRenderer(ses: Session, rendererDir: string): void {
  ses.protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405);
    const found = resolveAppPath(rendererDir, request.url);
    if (!found.ok) return plain(found.status);
    try {
      const body = await readFile(found.file);
      return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers: securityHeaders(mimeType(found.file)) });
    } catch {
      return plain(404);
    }
  });
}

function plain(status: number): Response {
  return new Response(null, { status, headers: securityHeaders('text/plain; charset=utf-8') });
}
