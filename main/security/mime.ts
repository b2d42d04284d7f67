/** Content types for the files vite emits; anything else is served as opaque bytes. */
const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** @example mimeType('/x/index.html') === 'text/html; charset=utf-8' */
export function mimeType(file: string): string {
  const dot = file.lastIndexOf('.');
  const ext = dot >= 0 && dot > file.lastIndexOf('/') ? file.slice(dot).toLowerCase() : '';
  return TYPES[ext] ?? 'application/octet-stream';
}
