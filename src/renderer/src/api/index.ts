/** The API the views use: the preload's `window.api` inside Electron, else the HTTP client of the web host. */
import type { ContractApi } from '../../../shared/ipc-contract';
import { createHttpApi } from './http-client';

declare global {
  interface Window {
    api?: ContractApi;
  }
}

export const inElectron = typeof window !== 'undefined' && !!window.api;
export const api: ContractApi = window.api ?? createHttpApi();
