/**
 * Where the app's settings live, what they default to, and the one reader that validates them, without
 * electron: Electron main (through electron-store), the web host and the CLI (through conf) all read the same
 * JSON file. The file is checked against the settings schema (shared/config.ts) field by field before either
 * library opens it: a file that is not JSON, or a field of the wrong type, is kept as config.json.bad-<time>, the
 * file is rewritten with what could be used (defaults for the rest), and the problem is reported to the user
 * (app.info.settingsProblem). A data or runs folder that is missing or not a folder gives way to the default
 * folder for the session, without touching the file (an unplugged drive comes back).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Conf from 'conf';
import { appSettingsSchema, settingsPatchSchema, type AppSettings } from '../../shared/config';
import { writeFileAtomic } from '../training/train/atomic';

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
  /** What was wrong with the settings file or its folders when they were read, for the user (undefined: nothing). */
  problem(): string | undefined;
}

const FOLDERS = ['dataDir', 'runsDir'] as const;
type FolderKey = (typeof FOLDERS)[number];

/**
 * Settings from a parsed file, field by field: a field that fails its schema gives way to its default and is
 * named in `problems`; unknown fields are dropped and named. Pure.
 */
export function salvageSettings(
  raw: unknown,
  defaults: AppSettings,
): { settings: AppSettings; problems: string[] } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    return {
      settings: { ...defaults },
      problems: [
        `holds ${Array.isArray(raw) ? 'an array' : raw === null ? 'null' : typeof raw}, not an object of settings`,
      ],
    };
  const shape = appSettingsSchema.shape;
  const settings: Record<string, unknown> = { ...defaults };
  const problems: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (!(key in shape)) {
      problems.push(`${key}: unknown setting (dropped)`);
      continue;
    }
    const r = shape[key as keyof typeof shape].safeParse(value);
    if (r.success) {
      settings[key] = value;
      continue;
    }
    const issue = r.error.issues[0];
    const at = [key, ...issue.path.map(String)].join('.');
    problems.push(`${at}: ${issue.message} (${key} reset to its default)`);
  }
  return { settings: settings as AppSettings, problems };
}

/** Why a folder setting cannot be used, or undefined when it is an existing folder. */
export function folderProblem(dir: string): string | undefined {
  let st;
  try {
    st = statSync(dir);
  } catch {
    return `${dir} does not exist`;
  }
  return st.isDirectory() ? undefined : `${dir} is not a folder`;
}

/** Refuses a folder change that does not name an existing folder by its absolute path; nothing is created. */
export function checkFolderSetting(key: FolderKey, dir: string): string {
  if (!path.isAbsolute(dir)) throw new Error(`${key}: give an absolute folder path, got '${dir}'.`);
  const problem = folderProblem(dir);
  if (problem) throw new Error(`${key}: ${problem}; choose an existing folder (nothing was created).`);
  return path.resolve(dir);
}

function stamp(now = new Date()): string {
  return now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/**
 * Checks the settings file before a library opens it. A file that cannot be used as it is gets copied to
 * `config.json.bad-<time>` and rewritten with the salvaged settings. Returns the problems (empty: file fine).
 */
export function repairSettingsFile(appDir: string, now = new Date()): string[] {
  const file = settingsFile(appDir);
  if (!existsSync(file)) return [];
  const defaults = defaultSettings(appDir);
  let raw: unknown;
  let problems: string[];
  let settings: AppSettings;
  try {
    const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
    if (!text.trim()) throw new Error('is empty');
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new Error(`is not JSON (${err instanceof Error ? err.message : String(err)})`);
    }
    ({ settings, problems } = salvageSettings(raw, defaults));
  } catch (err) {
    settings = defaults;
    problems = [err instanceof Error ? err.message : String(err)];
  }
  if (!problems.length) return [];
  let backup = `${file}.bad-${stamp(now)}`;
  for (let i = 2; existsSync(backup); i++) backup = `${file}.bad-${stamp(now)}-${i}`;
  copyFileSync(file, backup);
  writeFileAtomic(file, JSON.stringify(settings, null, '\t'));
  return [...problems, `a copy of the file as it was is kept in ${backup}`];
}

/**
 * The validated settings over a store (conf or electron-store): reads go through the schema, folder settings
 * that are not existing folders give way to the default folders (created) for the session, and folder changes
 * must name existing folders.
 */
export function validatedSettings(
  appDir: string,
  file: string,
  store: { read(): unknown; write(key: keyof AppSettings, value: unknown): void },
  fileProblems: string[],
): SettingsAccess {
  const defaults = defaultSettings(appDir);
  const problems = [...fileProblems];
  const overrides: Partial<Record<FolderKey, string>> = {};
  const read = (): AppSettings => {
    const { settings, problems: fresh } = salvageSettings(store.read(), defaults);
    for (const p of fresh) if (!problems.includes(p)) problems.push(p);
    return { ...settings, ...overrides };
  };
  for (const key of FOLDERS) {
    const dir = read()[key];
    if (dir === defaults[key]) {
      mkdirSync(dir, { recursive: true });
      continue;
    }
    const problem = folderProblem(dir);
    if (!problem) continue;
    overrides[key] = defaults[key];
    mkdirSync(defaults[key], { recursive: true });
    problems.push(`${key}: ${problem}; ${defaults[key]} is used until you choose another folder`);
  }
  return {
    file,
    get: read,
    set(patch) {
      const { recentRuns, ...rest } = patch;
      const checked = settingsPatchSchema.parse(rest);
      if (recentRuns !== undefined) appSettingsSchema.shape.recentRuns.parse(recentRuns);
      for (const key of FOLDERS)
        if (checked[key] !== undefined) checked[key] = checkFolderSetting(key, checked[key]);
      for (const [k, v] of Object.entries({ ...checked, recentRuns }))
        if (v !== undefined) {
          store.write(k as keyof AppSettings, v);
          delete overrides[k as FolderKey];
        }
      return read();
    },
    problem: () =>
      problems.length ? `The settings in ${file} could not all be used: ${problems.join('; ')}.` : undefined,
  };
}

/** Settings through conf, on the same file electron-store uses (web host, CLI). */
export function confSettings(appDir: string): SettingsAccess {
  mkdirSync(appDir, { recursive: true });
  const fileProblems = repairSettingsFile(appDir);
  const conf = new Conf<AppSettings>({
    cwd: appDir,
    configName: SETTINGS_NAME,
    projectName: APP_DIR_NAME,
    // a file that turns bad while the host runs reads as empty (defaults) instead of throwing at every call
    clearInvalidConfig: true,
  });
  return validatedSettings(
    appDir,
    conf.path,
    { read: () => conf.store, write: (k, v) => conf.set(k, v as never) },
    fileProblems,
  );
}

/** Adds a run id at the front of the recent list (max 10). */
export function withRecentRun(s: AppSettings, runId: string): string[] {
  return [runId, ...s.recentRuns.filter((r) => r !== runId)].slice(0, 10);
}

/** Puts a finished run at the front of the settings' recent runs. */
export function rememberRun(settings: SettingsAccess, runId: string): void {
  settings.set({ recentRuns: withRecentRun(settings.get(), runId) });
}
