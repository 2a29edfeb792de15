/** app.* and settings.* channels. */
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
        settingsProblem: ctx.settings.problem(),
      };
    },
    'settings.get': () => ctx.settings.get(),
    // a folder change must name an existing folder (checked by the settings access); nothing is created
    'settings.set': (patch) => ctx.settings.set(patch),
  };
}
