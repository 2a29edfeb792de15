/** The only electron-store instance: settings of the desktop app, on the file the web host and CLI read via conf. */
import { app } from 'electron';
import Store from 'electron-store';
import type { AppSettings } from '../../shared/config';
import { repairSettingsFile, SETTINGS_NAME, validatedSettings, type SettingsAccess } from './settings-file';

let access: SettingsAccess | undefined;

/** Settings backed by electron-store in app.getPath('userData') (main pins that folder at start-up). */
export function electronSettings(): SettingsAccess {
  if (access) return access;
  const appDir = app.getPath('userData');
  // electron-store throws on a file that is not JSON: check (and if need be repair) it first
  const fileProblems = repairSettingsFile(appDir);
  const s = new Store<AppSettings>({ name: SETTINGS_NAME, cwd: appDir, clearInvalidConfig: true });
  access = validatedSettings(
    appDir,
    s.path,
    { read: () => s.store, write: (k, v) => s.set(k, v as never) },
    fileProblems,
  );
  return access;
}
