/**
 * Which run a re-run re-ran, for the "Results vs original" diff. The kernel journals it
 * (`run.rerun`); the UI carries it in the route (`?rerunOf=`) and remembers it here so that
 * opening a step (a route without the query) keeps it for the session.
 */
const origins = new Map<string, string>();

export function noteRerun(runId: string, originalId: string): void {
  origins.set(runId, originalId);
}

export function rerunOrigin(runId: string): string | null {
  return origins.get(runId) ?? null;
}
