/**
 * No logic: exposes window.sgr (the contract's SgrApi) to the sandboxed renderer. Channel
 * names come from the contract's name lists, which main/build.mjs inlines as plain arrays,
 * so this bundle carries no schema code. Unknown methods and events are refused here too,
 * before anything crosses to the main process.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_NAMES, METHOD_NAMES } from '../kernel/common/contract';

const methods: ReadonlySet<string> = new Set(METHOD_NAMES);
const events: ReadonlySet<string> = new Set(EVENT_NAMES);

contextBridge.exposeInMainWorld('sgr', {
  call(method: string, input: unknown): Promise<unknown> {
    if (typeof method !== 'string' || !methods.has(method)) {
      return Promise.resolve({ ok: false, error: { code: 'unknown_method', message: `unknown method ${String(method)}` } });
    }
    return ipcRenderer.invoke(`sgr:${method}`, input);
  },
  on(event: string, fn: (payload: unknown) => void): () => void {
    if (typeof event !== 'string' || !events.has(event) || typeof fn !== 'function') return () => undefined;
    const listener = (_e: IpcRendererEvent, message: { event: string; payload: unknown }) => {
      if (message.event === event) fn(message.payload);
    };
    ipcRenderer.on('sgr:event', listener);
    return () => {
      ipcRenderer.removeListener('sgr:event', listener);
    };
  },
});
