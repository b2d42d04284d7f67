/**
 * Serve-mode client: the contract over one WebSocket. Calls are correlated by id, events are
 * dispatched to subscribers, and a dropped socket is reopened with backoff; calls made while
 * disconnected wait for the next open, calls in flight when it drops fail with `internal`.
 */
import type { ClientFrame, EventName, EventPayload, MethodInput, MethodName, MethodOutput, Result, ServerFrame, SgrApi } from '../../../kernel/common/contract';

/** The part of the browser WebSocket this client uses (a fake in tests). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export type ConnectionStatus = 'connecting' | 'open' | 'closed';

export interface WsApiOptions {
  createSocket?: (url: string) => SocketLike;
  /** First reconnect delay; doubled up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
}

export interface WsApi extends SgrApi {
  status(): ConnectionStatus;
  onStatus(fn: (s: ConnectionStatus) => void): () => void;
  close(): void;
}

const OPEN = 1;

export function createWsApi(url: string, opts: WsApiOptions = {}): WsApi {
  const createSocket = opts.createSocket ?? ((u: string) => new WebSocket(u) as unknown as SocketLike);
  const setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = opts.clearTimer ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>));
  const baseBackoff = opts.backoffMs ?? 500;
  const maxBackoff = opts.maxBackoffMs ?? 10_000;

  let nextId = 1;
  let socket: SocketLike | null = null;
  let status: ConnectionStatus = 'connecting';
  let backoff = baseBackoff;
  let timer: unknown = null;
  let closed = false;
  const pending = new Map<number, (r: Result<unknown>) => void>();
  const queue: ClientFrame[] = [];
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const statusListeners = new Set<(s: ConnectionStatus) => void>();

  const setStatus = (s: ConnectionStatus): void => {
    if (s === status) return;
    status = s;
    for (const fn of statusListeners) fn(s);
  };

  const onMessage = (raw: unknown): void => {
    if (typeof raw !== 'string') return;
    let frame: ServerFrame;
    try {
      frame = JSON.parse(raw) as ServerFrame;
    } catch {
      return;
    }
    if (frame.type === 'result') {
      const resolve = pending.get(frame.id);
      if (resolve) {
        pending.delete(frame.id);
        resolve(frame.result);
      }
    } else if (frame.type === 'event') {
      for (const fn of listeners.get(frame.event) ?? []) {
        try {
          fn(frame.payload);
        } catch (err) {
          console.error('event listener failed', err);
        }
      }
    }
  };

  const connect = (): void => {
    timer = null;
    if (closed) return;
    setStatus('connecting');
    const s = createSocket(url);
    socket = s;
    s.onopen = () => {
      backoff = baseBackoff;
      setStatus('open');
      for (const f of queue.splice(0)) s.send(JSON.stringify(f));
    };
    s.onmessage = (ev) => onMessage(ev.data);
    s.onerror = () => undefined;
    s.onclose = () => {
      if (socket !== s) return;
      socket = null;
      // Answers to calls already sent are lost with the socket: fail them, never hang.
      for (const [id, resolve] of pending) {
        if (!queue.some((f) => f.id === id)) {
          pending.delete(id);
          resolve({ ok: false, error: { code: 'internal', message: 'connection lost' } });
        }
      }
      setStatus('closed');
      if (!closed) {
        timer = setTimer(connect, backoff);
        backoff = Math.min(backoff * 2, maxBackoff);
      }
    };
  };

  connect();

  return {
    call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<Result<MethodOutput<M>>> {
      const id = nextId++;
      const frame: ClientFrame = { type: 'call', id, method, input };
      return new Promise((resolve) => {
        pending.set(id, resolve as (r: Result<unknown>) => void);
        if (socket && socket.readyState === OPEN) socket.send(JSON.stringify(frame));
        else queue.push(frame);
      });
    },
    on<E extends EventName>(event: E, fn: (payload: EventPayload<E>) => void): () => void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const f = fn as (p: unknown) => void;
      set.add(f);
      return () => set.delete(f);
    },
    status: () => status,
    onStatus(fn) {
      statusListeners.add(fn);
      return () => statusListeners.delete(fn);
    },
    close() {
      closed = true;
      if (timer !== null) clearTimer(timer);
      socket?.close();
    },
  };
}

/** The serve-mode socket URL for the page's own origin, carrying the page's token. */
export function wsUrlFor(loc: { protocol: string; host: string; search: string }): string {
  const token = new URLSearchParams(loc.search).get('token');
  const scheme = loc.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${loc.host}/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`;
}
