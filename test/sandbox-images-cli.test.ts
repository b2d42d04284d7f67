/** `sgr images build`: the built CLI against a private dockerd, by $DOCKER_HOST and by a docker target. */
import { mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECIPES, imageName, recipeHash } from '../kernel/dispatch/docker/images';
import { sgr } from './helpers';
import { requireDocker, sharedDockerd, type DockerdHandle } from './services/dockerd';

describe.runIf(requireDocker())('sgr images build', () => {
  let daemon: DockerdHandle;
  let home: string;
  beforeAll(async () => {
    daemon = await sharedDockerd();
    home = realpathSync(mkdtempSync(join(tmpdir(), 'sgr-images-cli-')));
    writeFileSync(join(home, 'targets.yaml'), `targets:\n  box: { kind: docker, socket: "unix://${daemon.socket}" }\n`);
  });
  afterAll(async () => {
    await daemon?.dispose();
  });

  it('builds busybox on the engine at $DOCKER_HOST and prints its name; --json lists what it built', async () => {
    const r = await sgr(home, ['images', 'build', 'busybox', '--json'], { env: { DOCKER_HOST: `unix://${daemon.socket}` } });
    expect(r.code, r.stderr).toBe(0);
    const built = JSON.parse(r.stdout) as Array<{ kind: string; image: string }>;
    expect(built.map((b) => [b.kind, b.image])).toEqual([['busybox', imageName(RECIPES.busybox)]]);
    const info = await new Docker({ socketPath: daemon.socket }).getImage(imageName(RECIPES.busybox)).inspect();
    expect(info.Config.Labels?.['sgr.recipe']).toBe(recipeHash(RECIPES.busybox));
  });

  it('--target names a docker target from targets.yaml; a second build finds the image instead of rebuilding', async () => {
    const r = await sgr(home, ['images', 'build', 'busybox', '--target', 'box'], { env: { DOCKER_HOST: 'unix:///nonexistent.sock' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^${imageName(RECIPES.busybox)} ready \\(\\d+\\.\\d s\\)\\n$`));
    expect(r.stderr).not.toContain('packing');
  });

  it('refuses an unknown image and a target that is not docker (exit 2, naming them)', async () => {
    const bad = await sgr(home, ['images', 'build', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown image "nope" — expected busybox, python, torch, all');
    const local = await sgr(home, ['images', 'build', 'busybox', '--target', 'local']);
    expect(local.code).toBe(2);
    expect(local.stderr).toContain('--target local: images are for docker targets, and "local" is local');
  });
});
