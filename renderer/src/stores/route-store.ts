import { create } from 'zustand';
import { formatRoute, parseHash, type Route } from '../lib/route';

interface RouteState {
  route: Route;
}

export const useRouteStore = create<RouteState>(() => ({ route: parseHash(window.location.hash) }));

window.addEventListener('hashchange', () => useRouteStore.setState({ route: parseHash(window.location.hash) }));

export function navigate(r: Route): void {
  const hash = formatRoute(r);
  if (window.location.hash !== hash) window.location.hash = hash;
}
