import { describe, expect, it } from 'vitest';
import { CSP, securityHeaders } from './csp';
import { mimeType } from './mime';

describe('CSP', () => {
  it('is exactly the policy of the security checklist', () => {
    expect(CSP).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'",
    );
  });

  it('never allows eval, inline script or remote hosts', () => {
    expect(CSP).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline|https?:|\*/);
  });

  it('rides on every response with nosniff', () => {
    const h = securityHeaders('text/html; charset=utf-8');
    expect(h['content-security-policy']).toBe(CSP);
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['content-type']).toBe('text/html; charset=utf-8');
  });
});

describe('mimeType', () => {
  it('knows what vite emits and treats the rest as bytes', () => {
    expect(mimeType('/r/assets/index-abc.js')).toBe('text/javascript; charset=utf-8');
    expect(mimeType('/r/assets/INDEX.CSS')).toBe('text/css; charset=utf-8');
    expect(mimeType('/r/a.woff2')).toBe('font/woff2');
    expect(mimeType('/r/noext')).toBe('application/octet-stream');
    expect(mimeType('/r.d/noext')).toBe('application/octet-stream');
  });
});
