/**
 * Which links may leave the app for the system browser: https only, exact hosts from this
 * list, no credentials, default port. Everything else is dropped silently.
 */
export const EXTERNAL_HOSTS: readonly string[] = ['github.com', 'docs.python.org', 'pytorch.org', 'huggingface.co'];

/** @example isAllowedExternalUrl('https://github.com/x') === true */
export function isAllowedExternalUrl(url: string, hosts: readonly string[] = EXTERNAL_HOSTS): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return u.protocol === 'https:' && u.username === '' && u.password === '' && u.port === '' && hosts.includes(u.hostname);
}
