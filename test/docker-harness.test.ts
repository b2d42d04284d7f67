/** The dockerd harness itself: a private daemon answers, survives restart, and is cleaned up. */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import Docker from 'dockerode';
import { requireDocker, startDockerd } from './services/dockerd';

describe.runIf(requireDocker())('dockerd harness', () => {
  it('starts a private daemon on its own socket, restarts it, and removes its dir on dispose', async () => {
    const d = await startDockerd();
    try {
      expect(d.socket.startsWith('/tmp/sgrd-')).toBe(true);
      const docker = new Docker({ socketPath: d.socket });
      const info = await docker.info();
      expect(info.DockerRootDir).toBe(`${d.dir}/data`);
      await d.restart();
      expect(d.running()).toBe(true);
      expect((await docker.ping()).toString()).toBe('OK');
    } finally {
      await d.dispose();
    }
    expect(existsSync(d.dir)).toBe(false);
  });
});
