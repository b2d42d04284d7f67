/**
 * One ipcMain.handle channel per contract method. Each handler checks the sender frame
 * first, then hands the raw input to dispatchCall — the one place input is validated.
 * A refused sender gets an `unauthorized` Result, never a thrown error (whose message
 * Electron would forward).
 */
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import type { Kernel } from '../../kernel/api/kernel';
import { dispatchCall } from '../../kernel/api/dispatch';
import type { Result } from '../../kernel/common/contract';
import { isTrustedSender } from '../security/sender';
import { METHOD_CHANNELS } from './channels';

/** Returns the webContents id allowed to call, or null while there is no window. */
export type TrustedContents = () => number | null;

export function registerIpc(kernel: Kernel, trusted: TrustedContents): () => void {
  for (const [channel, method] of METHOD_CHANNELS) {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, rawInput: unknown): Promise<Result<unknown>> => {
      if (!isTrustedSender(senderFacts(event), trusted())) {
        return { ok: false, error: { code: 'unauthorized', message: 'IPC sender is not the workbench window' } };
      }
      try {
        return await dispatchCall(kernel, method, rawInput);
      } catch (err) {
        return { ok: false, error: { code: 'internal', message: (err as Error).message } };
      }
    });
  }
  return () => {
    for (const channel of METHOD_CHANNELS.keys()) ipcMain.removeHandler(channel);
  };
}

function senderFacts(event: IpcMainInvokeEvent) {
  const frame = event.senderFrame;
  return {
    senderId: event.sender.id,
    // `parent === null` is the main frame; a frame that navigated or died reads as null.
    frame: frame && !frame.isDestroyed() ? { url: frame.url, isMainFrame: frame.parent === null } : null,
  };
}
