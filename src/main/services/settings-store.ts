/** The only electron-store instance: settings of the desktop app, on the file the web host and CLI read via conf. */
import { app } from 'electron';
import Store from 'electron-store';
import type { AppSettings } from '../../shared/ipc-contract';
import { defaultSettings, SETTINGS_NAME, type SettingsAccess } from './settings-file';

let store: Store<AppSettings> | undefined;

/** Settings backed by electron-store in app.getPath('userData') (main pins that folder at start-up). */
export function electronSettings(): SettingsAccess {
  const appDir = app.getPath('userData');
  store ??= new Store<AppSettings>({ name: SETTINGS_NAME, cwd: appDir, defaults: defaultSettings(appDir) });
  const s = store;
  return {
    file: s.path,
    get: () => ({ ...defaultSettings(appDir), ...s.store }),
    set(patch) {
      for (const [k, v] of Object.entries(patch))
        if (v !== undefined) s.set(k as keyof AppSettings, v as never);
      return { ...defaultSettings(appDir), ...s.store };
    },
  };
}
