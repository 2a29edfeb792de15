import type { ContractApi } from '../shared/ipc-contract';

declare global {
  interface Window {
    api?: ContractApi;
  }
}
export {};
