/**
 * The renderer's origin. `app://workbench/` is a privileged, standard, secure scheme: the
 * page gets a real origin (so CSP 'self', fetch and storage behave as on https), and
 * nothing else can be loaded from it.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'workbench';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** True when `url` is on our origin (scheme and host exact; no credentials, no port). */
export function isAppUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '';
}
