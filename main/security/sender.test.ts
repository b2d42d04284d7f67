import { describe, expect, it } from 'vitest';
import { isAllowedExternalUrl } from './external-url';
import { isAppUrl } from './origin';
import { isTrustedSender } from './sender';

const main = { url: 'app://workbench/index.html', isMainFrame: true };

describe('isTrustedSender', () => {
  it('accepts the main frame of our window on app://', () => {
    expect(isTrustedSender({ senderId: 7, frame: main }, 7)).toBe(true);
    expect(isTrustedSender({ senderId: 7, frame: { ...main, url: 'app://workbench/runs/x#y' } }, 7)).toBe(true);
  });

  it('refuses another webContents, or no window at all', () => {
    expect(isTrustedSender({ senderId: 8, frame: main }, 7)).toBe(false);
    expect(isTrustedSender({ senderId: 7, frame: main }, null)).toBe(false);
  });

  it('refuses subframes, dead frames and foreign origins', () => {
    expect(isTrustedSender({ senderId: 7, frame: { ...main, isMainFrame: false } }, 7)).toBe(false);
    expect(isTrustedSender({ senderId: 7, frame: null }, 7)).toBe(false);
    for (const url of ['https://workbench/', 'file:///app/index.html', 'app://evil/index.html', 'app://workbench.evil/', 'about:blank', 'app://x@workbench/', '']) {
      expect(isTrustedSender({ senderId: 7, frame: { url, isMainFrame: true } }, 7), url).toBe(false);
    }
  });

  it('isAppUrl is exact on scheme and host', () => {
    expect(isAppUrl('app://workbench/')).toBe(true);
    // Chromium lower-cases standard-scheme hosts before we see a URL; we compare exactly.
    expect(isAppUrl('APP://WORKBENCH/')).toBe(false);
    expect(isAppUrl('app://workbench:80/')).toBe(false);
  });
});

describe('isAllowedExternalUrl', () => {
  it('allows https to listed hosts only', () => {
    expect(isAllowedExternalUrl('https://github.com/sgr/workbench')).toBe(true);
    expect(isAllowedExternalUrl('https://github.com/x', ['example.org'])).toBe(false);
  });

  it('refuses every other scheme, host trick, port and credential', () => {
    for (const url of [
      'http://github.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://github.com/share',
      'https://github.com.evil.net/',
      'https://evil.net/github.com',
      'https://sub.github.com/',
      'https://github.com:8443/',
      'https://user@github.com/',
      'https://github.com@evil.net/',
      'not a url',
    ]) {
      expect(isAllowedExternalUrl(url), url).toBe(false);
    }
  });
});
