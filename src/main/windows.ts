/** The one workstation window, with secure defaults: isolated, sandboxed, no node, no navigation, no pop-ups. */
import { app, BrowserWindow, shell } from 'electron';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The window icon (Linux/Windows taskbar): resources/icon.png in the checkout or beside the packaged app. */
function iconPath(): string | undefined {
  const candidates = [
    path.join(process.resourcesPath ?? '', 'resources', 'icon.png'),
    path.join(app.getAppPath(), 'resources', 'icon.png'),
  ];
  return candidates.find((p) => existsSync(p));
}

export function createMainWindow(): BrowserWindow {
  const win = new BrowserWindow({
    icon: iconPath(),
    width: 1440,
    height: 920,
    minWidth: 1024,
    minHeight: 680,
    show: false,
    title: 'Factor Inception',
    backgroundColor: '#f4f6f9',
    webPreferences: {
      preload: path.join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  // every navigation away from our page and every window.open is refused; http(s) links open in the browser
  win.webContents.on('will-navigate', (e, url) => {
    if (devUrl && url.startsWith(devUrl)) return;
    e.preventDefault();
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  if (devUrl) void win.loadURL(devUrl);
  else void win.loadFile(path.join(here, '../renderer/index.html'));
  return win;
}
