/**
 * Offline images against real dockerd daemons: built from a recipe, labelled with its hash,
 * found again instead of rebuilt, rebuilt when the recipe changes, and imported from the
 * cached tarball into a fresh daemon without rebuilding (the python image included).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker, sharedDockerd, startDockerd, type DockerdHandle } from '../../../test/services/dockerd';
import { RECIPES, debianMirror, ensureImage, ensureTarball, imageCacheDir, imageName, recipeHash, type ImageRecipe } from './images';

describe('image recipes', () => {
  it('hash the recipe data: the same recipe, the same hash; any change, another image name', () => {
    expect(recipeHash(RECIPES.python)).toMatch(/^[0-9a-f]{64}$/);
    expect(recipeHash({ ...RECIPES.python })).toBe(recipeHash(RECIPES.python));
    const more = { ...RECIPES.python, packages: [...RECIPES.python.packages, 'python3-scipy'] };
    expect(recipeHash(more)).not.toBe(recipeHash(RECIPES.python));
    expect(imageName(RECIPES.python)).toBe(`sgr-python:${recipeHash(RECIPES.python).slice(0, 12)}`);
  });

  it('read the mirror from $SGR_DEBIAN_MIRROR, else the URIs: line of the apt sources', () => {
    expect(debianMirror({ SGR_DEBIAN_MIRROR: 'http://mirror.example/debian' })).toBe('http://mirror.example/debian');
    // Debian 12 keeps its sources in deb822 form (this machine and CI).
    expect(debianMirror({})).toMatch(/^https?:\/\/\S+$/);
  });

  it('cache tarballs under $SGR_CACHE/images, else ~/.cache/sgr/images', () => {
    expect(imageCacheDir({ SGR_CACHE: '/c' })).toBe('/c/images');
    expect(imageCacheDir({})).toMatch(/\.cache\/sgr\/images$/);
  });
});

describe.runIf(requireDocker())('ensureImage on a real dockerd', () => {
  let daemon: DockerdHandle;
  let docker: Docker;
  let cache = '';
  const saved = process.env.SGR_CACHE;
  beforeAll(async () => {
    daemon = await sharedDockerd();
    docker = new Docker({ socketPath: daemon.socket });
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.SGR_CACHE;
    else process.env.SGR_CACHE = saved;
    if (cache) rmSync(cache, { recursive: true, force: true });
    cache = '';
  });
  afterAll(async () => {
    await daemon?.dispose();
  });
  const freshCache = (): string => {
    cache = mkdtempSync(join(tmpdir(), 'sgr-image-cache-'));
    process.env.SGR_CACHE = cache;
    return cache;
  };

  it('builds busybox once, labels it with the recipe hash, and finds it again instead of rebuilding', async () => {
    freshCache();
    // A recipe of its own so this test never finds an image another test already imported.
    const recipe: ImageRecipe = { ...RECIPES.busybox, revision: 1000 + process.pid };
    const first: string[] = [];
    const name = await ensureImage(docker, recipe, (l) => first.push(l));
    expect(name).toBe(imageName(recipe));
    expect(first.some((l) => l.includes('installing applet links'))).toBe(true);
    const info = await docker.getImage(name).inspect();
    expect(info.Config.Labels).toMatchObject({ 'sgr.recipe': recipeHash(recipe), 'sgr.kind': 'busybox' });
    expect(info.Config.Cmd).toEqual(['/bin/sh']);
    expect(existsSync(join(cache, 'images', `${recipeHash(recipe)}.tar`))).toBe(true);

    const again: string[] = [];
    expect(await ensureImage(docker, recipe, (l) => again.push(l))).toBe(name);
    expect(again).toEqual([]);
    expect((await docker.getImage(name).inspect()).Id).toBe(info.Id);

    // A changed recipe is another image; the old one stays.
    const changed: ImageRecipe = { ...recipe, changes: [...recipe.changes, 'ENV CHANGED=1'] };
    const other = await ensureImage(docker, changed);
    expect(other).not.toBe(name);
    expect((await docker.getImage(other).inspect()).Config.Env).toContain('CHANGED=1');
  });

  it('runs a container from the busybox image', async () => {
    freshCache();
    const name = await ensureImage(docker, 'busybox');
    const c = await docker.createContainer({ Image: name, Cmd: ['sh', '-c', 'echo hi > /dev/null; ls /bin | wc -l'], HostConfig: { NetworkMode: 'none' } });
    await c.start();
    expect((await c.wait()).StatusCode).toBe(0);
    await c.remove();
  });

  it('builds a tarball once when two callers race, and takes over a lock whose owner died', async () => {
    const dir = join(freshCache(), 'images');
    const recipe: ImageRecipe = { ...RECIPES.busybox, revision: 2000 + process.pid };
    const lines: string[] = [];
    const [a, b] = await Promise.all([ensureTarball(recipe, (l) => lines.push(l)), ensureTarball(recipe, (l) => lines.push(l))]);
    expect(a).toBe(b);
    expect(lines.filter((l) => l.startsWith('packing'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('waiting for another build'))).toHaveLength(1);

    const stale: ImageRecipe = { ...recipe, revision: 3000 + process.pid };
    const lock = join(dir, `${recipeHash(stale)}.lock`);
    mkdirSync(lock, { recursive: true });
    writeFileSync(join(lock, 'pid'), '2147483646'); // no such process
    expect(existsSync(await ensureTarball(stale))).toBe(true);
    expect(existsSync(lock)).toBe(false);
  });

  it('imports the cached python tarball into a fresh daemon without running debootstrap again', async () => {
    // The shared cache: a cold machine builds it here once (about a minute), later runs reuse it.
    if (saved === undefined) delete process.env.SGR_CACHE;
    else process.env.SGR_CACHE = saved;
    await ensureTarball(RECIPES.python, (l) => process.stderr.write(`[python image] ${l}\n`));
    const fresh = await startDockerd();
    try {
      const lines: string[] = [];
      const t0 = Date.now();
      const name = await ensureImage(new Docker({ socketPath: fresh.socket }), 'python', (l) => lines.push(l));
      process.stderr.write(`[python image] imported into a fresh daemon from the cache in ${Date.now() - t0} ms\n`);
      expect(name).toBe(imageName(RECIPES.python));
      expect(lines.some((l) => l.startsWith('debootstrap'))).toBe(false);
      expect(lines.some((l) => l.startsWith('importing'))).toBe(true);
      const c = await new Docker({ socketPath: fresh.socket }).createContainer({
        Image: name,
        Cmd: ['python3', '-c', 'import numpy; print(numpy.arange(4).sum())'],
        HostConfig: { NetworkMode: 'none', ReadonlyRootfs: true },
      });
      await c.start();
      expect((await c.wait()).StatusCode).toBe(0);
      const logs = await c.logs({ stdout: true });
      expect(logs.subarray(8).toString()).toBe('6\n');
    } finally {
      await fresh.dispose();
    }
  }, 600_000);
});
