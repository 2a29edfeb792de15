/** What a host (Electron main, the web host) does once when it starts, before it serves anything. Plain Node. */
import path from 'node:path';
import { cleanStaleTempFiles } from '../training/train/atomic';
import type { SettingsAccess } from './settings-file';

/**
 * Removes what interrupted writes (a kill, a full disk) left behind: temp files of dead processes in the runs
 * folder (run and study folders, their checkpoint/ and folds/), the data folder and the app folder, and
 * abandoned import folders. Returns the paths removed.
 */
export function cleanInterruptedWrites(settings: SettingsAccess): string[] {
  const s = settings.get();
  return [
    ...cleanStaleTempFiles(s.runsDir, 2),
    ...cleanStaleTempFiles(s.dataDir, 0),
    ...cleanStaleTempFiles(path.dirname(settings.file), 0),
  ];
}
