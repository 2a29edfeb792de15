/** training.* channels: thin wrappers over the job service. */
import path from 'node:path';
import { readRunConfig, runDirOf } from '../services/runs-service';
import type { AppContext } from './context';
import type { PartialHandlers } from './dispatch';

export function trainingHandlers(ctx: AppContext): PartialHandlers {
  return {
    'training.start': ({ kind, config }) => {
      ctx.settings.set({ lastStudyConfig: config });
      return ctx.jobs.start(kind, config);
    },
    'training.cancel': ({ jobId }) => ctx.jobs.cancel(jobId),
    'training.remove': ({ jobId }) => ctx.jobs.remove(jobId),
    'training.list': () => ctx.jobs.list(),
    'training.resume': ({ runId }) => {
      const s = ctx.settings.get();
      const dir = runDirOf(s.runsDir, runId);
      const { kind, config } = readRunConfig(dir);
      return ctx.jobs.start(kind, { ...config, name: `${config.name} (resumed ${path.basename(dir)})` }, dir);
    },
  };
}
