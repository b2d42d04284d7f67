import { create } from 'zustand';
import { formatRoute, parseHash, type Route } from '../lib/route';

interface RouteState {
  route: Route;
}

export const useRouteStore = create<RouteState>(() => ({ route: parseHash(window.location.hash) }));

window.addEventListener('hashchange', () => useRouteStore.setState({ route: parseHash(window.location.hash) }));

/**
 * Goes to a route. Within the same run, a route that does not say which runs to compare keeps
 * the current ones (opening a step does not drop the overlay).
 */
export function navigate(r: Route): void {
  const cur = useRouteStore.getState().route;
  const next: Route = r.page === 'run' && r.compare === undefined && cur.page === 'run' && cur.runId === r.runId && cur.compare ? { ...r, compare: cur.compare } : r;
  const hash = formatRoute(next);
  if (window.location.hash !== hash) window.location.hash = hash;
}

/** Sets the runs compared with the open run (kept in the hash query). */
export function setCompare(compare: string[]): void {
  const cur = useRouteStore.getState().route;
  if (cur.page !== 'run') return;
  navigate({ ...cur, compare });
}
