/**
 * The bridge: one object, typed by the contract, exposed as `window.api`. Every request goes through
 * ipcRenderer.invoke on its `domain.verb` channel; main answers with an envelope that is unwrapped here.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { buildApi, unwrap, type ContractApi, type Envelope } from '../shared/ipc-contract';

const api = buildApi(
  async (channel, req) => unwrap((await ipcRenderer.invoke(channel, req)) as Envelope<unknown>),
  (event, cb) => {
    const listener = (_e: IpcRendererEvent, payload: unknown) => cb(payload);
    ipcRenderer.on(event, listener);
    return () => ipcRenderer.removeListener(event, listener);
  },
) satisfies ContractApi;

contextBridge.exposeInMainWorld('api', api);
