/**
 * The Electron main process: embeds the kernel, serves the renderer over app://, applies
 * the security defaults of STYLE.md, and bridges the contract over IPC. Bundled by
 * main/build.mjs into dist/main/index.cjs (CommonJS, so `__dirname` is the bundle's dir).
 */
import { app, session, type BrowserWindow } from 'electron';
import { builtinSkills } from '../skills';
import { Kernel } from '../kernel/api/kernel';
import { defaultHome } from '../kernel/api/paths';
import { busEventSource, launchEventSource, startEventPush } from './ipc/event-push';
import { registerIpc } from './ipc/register';
import { hostPaths } from './host-paths';
import { registerAppScheme, serveRenderer } from './protocol';
import { createMainWindow, denyAllPermissions, guardWebContents } from './window';

// Every renderer sandboxed, whatever its webPreferences say.
app.enableSandbox();
registerAppScheme();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void boot();
}

async function boot(): Promise<void> {
  let win: BrowserWindow | null = null;
  const paths = hostPaths(__dirname);
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents));
  app.on('second-instance', () => {
    if (win && !win.isDestroyed()) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });

  await app.whenReady();
  const kernel = Kernel.open({ home: defaultHome(), skills: builtinSkills });
  const ses = session.defaultSession;
  denyAllPermissions(ses);
  serveRenderer(ses, paths.rendererDir);

  const trustedId = () => (win && !win.isDestroyed() ? win.webContents.id : null);
  const stopIpc = registerIpc(kernel, trustedId);
  const stopEvents = startEventPush(kernel, () => (win && !win.isDestroyed() ? win.webContents : null), [busEventSource, launchEventSource]);

  const open = () => {
    win = createMainWindow({ preload: paths.preload, session: ses });
    win.on('closed', () => {
      win = null;
    });
  };
  open();
  app.on('activate', () => {
    if (!win) open();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  let closing = false;
  app.on('will-quit', (event) => {
    if (closing) return;
    closing = true;
    event.preventDefault();
    stopEvents();
    stopIpc();
    kernel
      .close()
      .catch(() => undefined)
      .finally(() => app.exit(0));
  });
}
