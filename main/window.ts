/**
 * The workbench window and the guards every webContents gets: no navigation, no popups,
 * no webviews, no permissions. Links to allowlisted https hosts open in the system browser.
 */
import { BrowserWindow, shell, type Session, type WebContents } from 'electron';
import { isAllowedExternalUrl } from './security/external-url';
import { APP_ENTRY_URL } from './security/origin';

export interface WindowOptions {
  preload: string;
  session: Session;
}

export function createMainWindow(opts: WindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    show: false,
    title: 'SGR Workbench',
    backgroundColor: '#111418',
    webPreferences: {
      preload: opts.preload,
      session: opts.session,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // A middle click must not open a window behind the window-open handler's back.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(APP_ENTRY_URL);
  return win;
}

/** Attached to every webContents the app ever creates (app 'web-contents-created'). */
export function guardWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    openExternalIfAllowed(url);
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openExternalIfAllowed(url);
    return { action: 'deny' };
  });
}

/** Every permission (camera, notifications, clipboard-read, HID, serial, …) is refused. */
export function denyAllPermissions(ses: Session): void {
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
}

function openExternalIfAllowed(url: string): void {
  if (!isAllowedExternalUrl(url)) return;
  shell.openExternal(url).catch(() => undefined);
}
