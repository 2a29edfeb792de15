/**
 * Where the app's settings live and what they default to, without electron: Electron main (through
 * electron-store), the web host and the CLI (through conf) all read the same JSON file.
 */
import os from 'node:os';
import path from 'node:path';
import Conf from 'conf';
import type { AppSettings } from '../../shared/ipc-contract';

/** The name Electron derives userData from; pinned so a packaged productName does not move the settings. */
export const APP_DIR_NAME = 'factor-inception';
export const SETTINGS_NAME = 'config';

/** The per-user application folder (same as Electron's app.getPath('userData') once main pins it). */
export function userDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.FACTOR_INCEPTION_HOME) return path.resolve(env.FACTOR_INCEPTION_HOME);
  const home = os.homedir();
  if (platform === 'win32')
    return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_DIR_NAME);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_DIR_NAME);
}

/** Defaults: data and runs folders inside the application folder. */
export function defaultSettings(appDir: string): AppSettings {
  return {
    dataDir: path.join(appDir, 'data'),
    runsDir: path.join(appDir, 'runs'),
    theme: 'light',
    recentRuns: [],
  };
}

/** The settings file of an application folder. */
export function settingsFile(appDir: string): string {
  return path.join(appDir, `${SETTINGS_NAME}.json`);
}

/** Read/write access used by handlers; implemented by electron-store in the app and by conf elsewhere. */
export interface SettingsAccess {
  get(): AppSettings;
  set(patch: Partial<AppSettings>): AppSettings;
  readonly file: string;
}

/** Settings through conf, on the same file electron-store uses (web host, CLI). */
export function confSettings(appDir: string): SettingsAccess {
  const conf = new Conf<AppSettings>({
    cwd: appDir,
    configName: SETTINGS_NAME,
    projectName: APP_DIR_NAME,
    defaults: defaultSettings(appDir),
  });
  return {
    file: conf.path,
    get: () => ({ ...defaultSettings(appDir), ...conf.store }),
    set(patch) {
      for (const [k, v] of Object.entries(patch))
        if (v !== undefined) conf.set(k as keyof AppSettings, v as never);
      return { ...defaultSettings(appDir), ...conf.store };
    },
  };
}

/** Adds a run id at the front of the recent list (max 10). */
export function withRecentRun(s: AppSettings, runId: string): string[] {
  return [runId, ...s.recentRuns.filter((r) => r !== runId)].slice(0, 10);
}

/** The app's settings as the CLI sees them (read-only): the same file the desktop app and the web host use. */
export function readAppSettings(appDir: string = userDataDir()): AppSettings {
  return confSettings(appDir).get();
}

/** Puts a finished run at the front of the settings' recent runs. */
export function rememberRun(settings: SettingsAccess, runId: string): void {
  settings.set({ recentRuns: withRecentRun(settings.get(), runId) });
}
