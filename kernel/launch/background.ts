/**
 * Runs executed in the background of a long-lived process (serve mode, the Electron main
 * process): the app launches, resumes or re-runs a run and returns at once; the run goes on
 * under its lease and its events reach the UI through the kernel bus. One AbortController
 * per run, so a cancel from the UI stops it.
 */
import type { Kernel } from '../api/kernel';
import type { RunState } from '../common/plan';

export interface BackgroundRun {
  runId: string;
  controller: AbortController;
  done: Promise<RunState | 'error'>;
}

const running = new Map<string, BackgroundRun>();

/** Starts (or resumes) `runId` without waiting; a second call for a run already going returns the first. */
export function runInBackground(kernel: Kernel, runId: string, onEnd?: (state: RunState | 'error', error: string | null) => void): BackgroundRun {
  const existing = running.get(runId);
  if (existing) return existing;
  const controller = new AbortController();
  const done = kernel
    .execute(runId, { signal: controller.signal })
    .then((state) => {
      onEnd?.(state, null);
      return state;
    })
    .catch((err: unknown) => {
      onEnd?.('error', (err as Error)?.message ?? String(err));
      return 'error' as const;
    })
    .finally(() => running.delete(runId));
  const bg = { runId, controller, done };
  running.set(runId, bg);
  return bg;
}

/** The background run of this process, if `runId` is one. */
export function backgroundRun(runId: string): BackgroundRun | undefined {
  return running.get(runId);
}

/** Every run this process executes in the background (for a clean shutdown). */
export function backgroundRuns(): BackgroundRun[] {
  return [...running.values()];
}
