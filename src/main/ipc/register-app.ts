/** app.* and settings.* channels. */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { AppContext } from './context';
import type { PartialHandlers } from './dispatch';

export function appHandlers(ctx: AppContext): PartialHandlers {
  return {
    'app.info': () => {
      const s = ctx.settings.get();
      return {
        version: ctx.version,
        host: ctx.host,
        platform: process.platform,
        dataDir: s.dataDir,
        runsDir: s.runsDir,
        settingsFile: ctx.settings.file,
      };
    },
    'settings.get': () => ctx.settings.get(),
    'settings.set': (patch) => {
      for (const key of ['dataDir', 'runsDir'] as const) {
        const dir = patch[key];
        if (dir === undefined) continue;
        if (!path.isAbsolute(dir)) throw new Error(`${key}: give an absolute folder path, got '${dir}'.`);
        // a mistyped data folder is refused, not created: the index files are somewhere else
        if (key === 'dataDir' && !(existsSync(dir) && statSync(dir).isDirectory()))
          throw new Error(`The folder ${dir} does not exist.`);
        mkdirSync(dir, { recursive: true });
      }
      return ctx.settings.set(patch);
    },
  };
}
