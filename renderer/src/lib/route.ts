/** Hash routes: `#/runs`, `#/runs/<id>`, `#/runs/<id>/<step>` — so a URL opens a run. */
export type Route = { page: 'runs' } | { page: 'run'; runId: string; stepId: string | null };

export function parseHash(hash: string): Route {
  const parts = hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter((p) => p.length > 0)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  if (parts[0] === 'runs' && parts[1]) return { page: 'run', runId: parts[1], stepId: parts[2] ?? null };
  return { page: 'runs' };
}

export function formatRoute(r: Route): string {
  if (r.page === 'runs') return '#/runs';
  const base = `#/runs/${encodeURIComponent(r.runId)}`;
  return r.stepId ? `${base}/${encodeURIComponent(r.stepId)}` : base;
}
