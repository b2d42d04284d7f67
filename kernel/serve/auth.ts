/** Serve mode's token check: query `token=`, `Authorization: Bearer`, or the `sgr_token` cookie. */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const COOKIE = 'sgr_token';

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Which credential the request carried, when it is the right one. */
export function authorize(req: IncomingMessage, url: URL, token: string): 'query' | 'header' | 'cookie' | null {
  const q = url.searchParams.get('token');
  if (q !== null && same(q, token)) return 'query';
  const h = req.headers.authorization;
  if (h?.startsWith('Bearer ') && same(h.slice(7).trim(), token)) return 'header';
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE && same(v.join('='), token)) return 'cookie';
  }
  return null;
}
