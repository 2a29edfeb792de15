/** dialog.* channels: native save/open dialogs (the web host does these in the browser). */
import { BrowserWindow, dialog } from 'electron';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PartialHandlers } from './dispatch';

export function dialogHandlers(): PartialHandlers {
  const win = () => BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
  return {
    'dialog.saveText': async ({ defaultName, content }) => {
      const ext = path.extname(defaultName).slice(1) || 'txt';
      const r = await dialog.showSaveDialog(win(), {
        defaultPath: defaultName,
        filters: [{ name: ext.toUpperCase(), extensions: [ext] }],
      });
      if (r.canceled || !r.filePath) return { path: null };
      const tmp = `${r.filePath}.tmp-${process.pid}`;
      writeFileSync(tmp, content, 'utf8');
      renameSync(tmp, r.filePath);
      return { path: r.filePath };
    },
    'dialog.openText': async ({ extensions }) => {
      const r = await dialog.showOpenDialog(win(), {
        properties: ['openFile'],
        filters: [{ name: extensions.join(', '), extensions }],
      });
      if (r.canceled || !r.filePaths[0]) return null;
      return { name: path.basename(r.filePaths[0]), content: readFileSync(r.filePaths[0], 'utf8') };
    },
  };
}
