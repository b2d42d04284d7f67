/**
 * The one place that picks a transport: Electron's preload exposes `window.sgr`; otherwise
 * the page was served by `sgr serve` and talks over its WebSocket. Components import `call`
 * and `api` from here and never see which one it is.
 */
import type { MethodInput, MethodName, MethodOutput, SgrApi } from '../../../kernel/common/contract';
import { createWsApi, wsUrlFor, type ConnectionStatus } from './ws-client';

declare global {
  interface Window {
    sgr?: SgrApi;
  }
}

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function pick(): { api: SgrApi; status: () => ConnectionStatus; onStatus: (fn: (s: ConnectionStatus) => void) => () => void } {
  if (typeof window !== 'undefined' && window.sgr) {
    return { api: window.sgr, status: () => 'open', onStatus: () => () => undefined };
  }
  const ws = createWsApi(wsUrlFor(window.location));
  return { api: ws, status: ws.status, onStatus: ws.onStatus };
}

const chosen = pick();
export const api: SgrApi = chosen.api;
export const connectionStatus = chosen.status;
export const onConnectionStatus = chosen.onStatus;

/** Calls a method and unwraps its Result: the value, or a thrown ApiError. */
export async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const r = await api.call(method, input);
  if (!r.ok) throw new ApiError(r.error.code, r.error.message);
  return r.value;
}
