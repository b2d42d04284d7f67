/**
 * The frozen part of a manifest: code and environment as they were when the run started
 * executing, kept in `$SGR_HOME/manifests/<runId>.json`. Later manifests repeat them, so
 * editing a script or upgrading a package after the run does not rewrite its history.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { manifestCodeSchema, manifestEnvironmentSchema, type Manifest } from '../common/manifest';
import type { Plan } from '../common/plan';
import { collectCodeAsync } from './code';
import { collectEnvironmentAsync } from './environment';

export interface Snapshot {
  capturedAt: number;
  code: Manifest['code'];
  environment: Manifest['environment'];
}

/** What a snapshot needs to know about the run. */
export interface SnapshotRun {
  id: string;
  experiment_file: string | null;
  experiment_digest: string | null;
}

/** @example snapshotFile('/home/u/.sgr', 'r1') // '/home/u/.sgr/manifests/r1.json' */
export function snapshotFile(home: string, runId: string): string {
  return join(home, 'manifests', `${runId}.json`);
}

/** The frozen snapshot of a run, or null when there is none (or it is unreadable). */
export function readSnapshot(home: string, runId: string): Snapshot | null {
  try {
    const raw = JSON.parse(readFileSync(snapshotFile(home, runId), 'utf8')) as Snapshot;
    return { capturedAt: raw.capturedAt, code: manifestCodeSchema.parse(raw.code), environment: manifestEnvironmentSchema.parse(raw.environment) };
  } catch {
    return null;
  }
}

/** Writes a snapshot atomically; false when the home is read-only (the manifest is then just not frozen). */
export function writeSnapshot(home: string, runId: string, snap: Snapshot): boolean {
  const file = snapshotFile(home, runId);
  try {
    mkdirSync(join(home, 'manifests'), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(snap));
    renameSync(tmp, file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Captures code and environment when a run starts executing, off the critical path: the
 * probes (git, pip, python) run as child processes while the run's steps go on. A resumed
 * run keeps the snapshot of its first start. Never rejects: a failing probe must not fail
 * a run, it only leaves the manifest to capture what it can later.
 * @example const frozen = freezeAtStart(home, runRow, plan); …; await frozen
 */
export async function freezeAtStart(home: string, run: SnapshotRun, plan: Plan, now: () => number = Date.now): Promise<void> {
  try {
    const file = snapshotFile(home, run.id);
    if (existsSync(file)) return;
    const capturedAt = now();
    const [code, environment] = await Promise.all([
      collectCodeAsync(plan, run.experiment_file, run.experiment_digest),
      collectEnvironmentAsync(join(home, 'manifests')),
    ]);
    await mkdir(join(home, 'manifests'), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify({ capturedAt, code, environment } satisfies Snapshot));
    await rename(tmp, file);
  } catch {
    // Best effort by design (see above).
  }
}
