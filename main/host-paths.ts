/**
 * Where the bundled main process finds its siblings. The bundle is dist/main/index.cjs; the
 * renderer (vite) is dist/renderer/ and the preload bundle dist/preload/index.cjs — the
 * same relative layout inside app.asar and in a checkout.
 */
import { join } from 'node:path';

export interface HostPaths {
  rendererDir: string;
  preload: string;
}

/** @example hostPaths('/app/dist/main').preload === '/app/dist/preload/index.cjs' */
export function hostPaths(mainDir: string): HostPaths {
  return { rendererDir: join(mainDir, '..', 'renderer'), preload: join(mainDir, '..', 'preload', 'index.cjs') };
}
