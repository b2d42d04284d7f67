/**
 * Maps an app:// URL to a file inside the renderer directory, or refuses. The check runs
 * twice: lexically (after decoding, `..` and absolute segments must not leave the root) and
 * on the real path (a symlink inside the root must not point outside it).
 */
import { realpathSync, statSync } from 'node:fs';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { APP_HOST, APP_SCHEME } from './origin';

export type AppPathResult = { ok: true; file: string } | { ok: false; status: 400 | 403 | 404 };

/** True when `child` is `root` itself or below it (both absolute and normalised). */
export function isInside(root: string, child: string): boolean {
  const rel = relative(root, child);
  return rel === '' || (!isAbsolute(rel) && !rel.split(sep).includes('..'));
}

/**
 * The lexical half: URL → absolute path under `root`, without touching the disk.
 * @example lexicalAppPath('/r', 'app://workbench/assets/a.js') → { ok: true, file: '/r/assets/a.js' }
 */
export function lexicalAppPath(root: string, url: string): AppPathResult {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, status: 400 };
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST || u.username || u.password) return { ok: false, status: 403 };
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return { ok: false, status: 400 };
  }
  // Backslashes and NUL never belong in our asset names; on Windows `\` would be a separator.
  if (path.includes('\0') || path.includes('\\')) return { ok: false, status: 400 };
  if (path === '' || path.endsWith('/')) path += 'index.html';
  const absRoot = resolve(root);
  const file = resolve(absRoot, `.${path.startsWith('/') ? path : `/${path}`}`);
  if (!isInside(absRoot, file) || file === absRoot) return { ok: false, status: 403 };
  return { ok: true, file };
}

/**
 * Both halves. Client-side routes (no file extension, no such file) get index.html so a
 * reload on a deep link works; a missing asset is a plain 404.
 */
export function resolveAppPath(root: string, url: string): AppPathResult {
  const lexical = lexicalAppPath(root, url);
  if (!lexical.ok) return lexical;
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    return { ok: false, status: 404 };
  }
  const candidates = extname(lexical.file) === '' ? [lexical.file, join(resolve(root), 'index.html')] : [lexical.file];
  for (const candidate of candidates) {
    let real: string;
    try {
      real = realpathSync(candidate);
    } catch {
      continue;
    }
    if (!isInside(realRoot, real)) return { ok: false, status: 403 };
    try {
      if (!statSync(real).isFile()) continue;
    } catch {
      continue;
    }
    return { ok: true, file: real };
  }
  return { ok: false, status: 404 };
}
