import { describe, expect, it } from 'vitest';
import { createWsApi, wsUrlFor, type SocketLike } from './ws-client';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: unknown[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.readyState = 3;
    this.onclose?.({});
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(frame: unknown): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const api = createWsApi('ws://127.0.0.1:1/ws?token=t', {
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => undefined,
    backoffMs: 100,
    maxBackoffMs: 400,
  });
  return { api, sockets, timers };
}

describe('WebSocket client', () => {
  it('queues calls until open, then correlates answers by id', async () => {
    const { api, sockets } = setup();
    const s = sockets[0] as FakeSocket;
    const p1 = api.call('app.info', {});
    const p2 = api.call('runs.get', { runId: 'r1' });
    expect(s.sent).toEqual([]);
    s.open();
    expect(s.sent).toEqual([
      { type: 'call', id: 1, method: 'app.info', input: {} },
      { type: 'call', id: 2, method: 'runs.get', input: { runId: 'r1' } },
    ]);
    s.receive({ type: 'result', id: 2, result: { ok: false, error: { code: 'not_found', message: 'no run r1' } } });
    s.receive({ type: 'result', id: 1, result: { ok: true, value: { version: '0.1.0', home: '/h', mode: 'serve' } } });
    expect(await p1).toEqual({ ok: true, value: { version: '0.1.0', home: '/h', mode: 'serve' } });
    expect(await p2).toEqual({ ok: false, error: { code: 'not_found', message: 'no run r1' } });
    expect(api.status()).toBe('open');
  });

  it('dispatches events to subscribers until they unsubscribe, ignoring junk', () => {
    const { api, sockets } = setup();
    const s = sockets[0] as FakeSocket;
    s.open();
    const got: string[] = [];
    const off = api.on('run.created', (e) => got.push(e.runId));
    s.receive({ type: 'event', event: 'run.created', payload: { runId: 'a' } });
    s.onmessage?.({ data: 'not json' });
    s.receive({ type: 'event', event: 'run.stateChanged', payload: { runId: 'x', state: 'RUNNING' } });
    off();
    s.receive({ type: 'event', event: 'run.created', payload: { runId: 'b' } });
    expect(got).toEqual(['a']);
  });

  it('fails calls in flight when the socket drops, reconnects with backoff, and sends queued calls', async () => {
    const { api, sockets, timers } = setup();
    const statuses: string[] = [];
    api.onStatus((st) => statuses.push(st));
    const s1 = sockets[0] as FakeSocket;
    s1.open();
    const inflight = api.call('app.info', {});
    s1.close();
    expect(await inflight).toEqual({ ok: false, error: { code: 'internal', message: 'connection lost' } });
    expect(timers.map((t) => t.ms)).toEqual([100]);
    const queued = api.call('metrics.list', { runId: 'r' });
    timers[0]?.fn();
    const s2 = sockets[1] as FakeSocket;
    expect(s2.url).toBe('ws://127.0.0.1:1/ws?token=t');
    s2.close();
    timers[1]?.fn();
    const s3 = sockets[2] as FakeSocket;
    expect(timers.map((t) => t.ms)).toEqual([100, 200]);
    s3.open();
    const frame = s3.sent[0] as { id: number; method: string };
    expect(frame.method).toBe('metrics.list');
    s3.receive({ type: 'result', id: frame.id, result: { ok: true, value: [] } });
    expect(await queued).toEqual({ ok: true, value: [] });
    expect(statuses).toEqual(['open', 'closed', 'connecting', 'closed', 'connecting', 'open']);
  });

  it('stops reconnecting once closed', () => {
    const { api, sockets, timers } = setup();
    (sockets[0] as FakeSocket).open();
    api.close();
    expect(timers).toEqual([]);
    expect(sockets.length).toBe(1);
  });

  it('builds the socket URL from the page location and its token', () => {
    expect(wsUrlFor({ protocol: 'http:', host: '127.0.0.1:7777', search: '?token=abc%2B1' })).toBe('ws://127.0.0.1:7777/ws?token=abc%2B1');
    expect(wsUrlFor({ protocol: 'https:', host: 'h', search: '' })).toBe('wss://h/ws');
  });
});
