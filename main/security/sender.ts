/**
 * The IPC sender check, run before anything else in every handler: the message must come
 * from the main frame of our window, currently showing our app:// origin. An iframe, a
 * different webContents or a page that somehow navigated away gets nothing.
 */
import { isAppUrl } from './origin';

export interface SenderFacts {
  /** webContents.id of event.sender. */
  senderId: number;
  /** event.senderFrame is null when the frame navigated or was destroyed before we ran. */
  frame: { url: string; isMainFrame: boolean } | null;
}

/** @example isTrustedSender({ senderId: 1, frame: { url: 'app://workbench/', isMainFrame: true } }, 1) === true */
export function isTrustedSender(facts: SenderFacts, trustedContentsId: number | null): boolean {
  if (trustedContentsId === null || facts.senderId !== trustedContentsId) return false;
  if (!facts.frame || !facts.frame.isMainFrame) return false;
  return isAppUrl(facts.frame.url);
}
