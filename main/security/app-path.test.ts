import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isInside, lexicalAppPath, resolveAppPath } from './app-path';

let base: string;
let root: string;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'sgr-app-path-'));
  root = join(base, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html>');
  writeFileSync(join(root, 'assets', 'app.js'), 'x');
  writeFileSync(join(base, 'secret.txt'), 'secret');
  writeFileSync(join(base, 'renderer-evil.txt'), 'sibling with a shared prefix');
  symlinkSync(join(base, 'secret.txt'), join(root, 'assets', 'escape.txt'));
  symlinkSync(base, join(root, 'up'));
  symlinkSync(join(root, 'assets', 'app.js'), join(root, 'assets', 'alias.js'));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

const file = (url: string) => {
  const r = resolveAppPath(root, url);
  return r.ok ? r.file : r.status;
};

describe('resolveAppPath', () => {
  it('serves files inside the renderer dir', () => {
    expect(file('app://workbench/index.html')).toBe(join(root, 'index.html'));
    expect(file('app://workbench/assets/app.js')).toBe(join(root, 'assets', 'app.js'));
    expect(file('app://workbench/assets/app.js?v=1#x')).toBe(join(root, 'assets', 'app.js'));
  });

  it('maps the root and directories to index.html, and client routes to index.html', () => {
    expect(file('app://workbench/')).toBe(join(root, 'index.html'));
    expect(file('app://workbench')).toBe(join(root, 'index.html'));
    expect(file('app://workbench/runs/20261122-051204-3f9a1c')).toBe(join(root, 'index.html'));
  });

  it('404s a missing asset instead of falling back', () => {
    expect(file('app://workbench/assets/missing.js')).toBe(404);
  });

  it('refuses traversal in every spelling', () => {
    for (const url of [
      'app://workbench/%2e%2e/secret.txt',
      'app://workbench/assets/%2e%2e/%2e%2e/secret.txt',
      'app://workbench/..%2fsecret.txt',
      'app://workbench/%2e%2e%2f%2e%2e%2fetc/passwd',
      'app://workbench/..%2f..%2frenderer-evil.txt',
    ]) {
      expect(file(url), url).not.toBe(join(base, 'secret.txt'));
      expect([400, 403, 404], url).toContain(file(url));
    }
    // The URL parser already folds literal `..`; what is left must still be inside.
    expect(file('app://workbench/../secret.txt')).toBe(404);
  });

  it('refuses backslashes, NUL and malformed escapes', () => {
    expect(file('app://workbench/..%5csecret.txt')).toBe(400);
    expect(file('app://workbench/index.html%00.js')).toBe(400);
    expect(file('app://workbench/%E0%A4%A')).toBe(400);
  });

  it('refuses symlinks that leave the root, follows those that stay', () => {
    expect(file('app://workbench/assets/escape.txt')).toBe(403);
    expect(file('app://workbench/up/secret.txt')).toBe(403);
    expect(file('app://workbench/assets/alias.js')).toBe(join(root, 'assets', 'app.js'));
  });

  it('refuses other hosts, schemes and credentials', () => {
    expect(file('app://other/index.html')).toBe(403);
    expect(file('file:///etc/passwd')).toBe(403);
    expect(file('https://workbench/index.html')).toBe(403);
    expect(file('app://user:pw@workbench/index.html')).toBe(403);
    expect(file('not a url')).toBe(400);
  });

  it('404s when the renderer has not been built', () => {
    expect(resolveAppPath(join(base, 'nope'), 'app://workbench/index.html')).toEqual({ ok: false, status: 404 });
  });
});

describe('lexical checks', () => {
  it('isInside is not fooled by a shared prefix', () => {
    expect(isInside('/a/renderer', '/a/renderer/x')).toBe(true);
    expect(isInside('/a/renderer', '/a/renderer')).toBe(true);
    expect(isInside('/a/renderer', '/a/renderer-evil/x')).toBe(false);
    expect(isInside('/a/renderer', '/a')).toBe(false);
    expect(isInside('/a/renderer', '/a/renderer/..foo')).toBe(true);
  });

  it('never returns a path outside the root', () => {
    expect(lexicalAppPath('/srv/r', 'app://workbench/..%2f..%2fx')).toEqual({ ok: false, status: 403 });
    // The URL parser folds %2e%2e segments itself; what is left stays inside.
    expect(lexicalAppPath('/srv/r', 'app://workbench/%2e%2e/%2e%2e/x')).toEqual({ ok: true, file: '/srv/r/x' });
  });
});
