/**
 * Binds the shared dispatcher to ipcMain: every channel of the contract is handled once, the sender must be a
 * frame of our own window showing our own page, and events go to every live window.
 */
import { BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';
import type { EventName, Events } from '../../shared/ipc-contract';
import type { Dispatcher } from './dispatch';

/** True when the request comes from our renderer (file:// build or the dev server), not an injected frame. */
export function trustedSender(e: IpcMainInvokeEvent, devUrl?: string): boolean {
  const win = BrowserWindow.fromWebContents(e.sender);
  if (!win || e.senderFrame === null) return false;
  const url = e.senderFrame.url;
  return url.startsWith('file://') || (!!devUrl && url.startsWith(devUrl));
}

export function registerElectronIpc(dispatcher: Dispatcher, devUrl?: string): void {
  for (const channel of dispatcher.channels()) {
    ipcMain.handle(channel, async (e, payload) => {
      if (!trustedSender(e, devUrl))
        return {
          ok: false,
          error: `Refused ${channel}: the request did not come from the workstation window.`,
        };
      return dispatcher.dispatch(channel, payload);
    });
  }
}

export function broadcast<E extends EventName>(event: E, payload: Events[E]): void {
  for (const w of BrowserWindow.getAllWindows()) if (!w.isDestroyed()) w.webContents.send(event, payload);
}
