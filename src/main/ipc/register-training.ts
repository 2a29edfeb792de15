/** training.* channels: thin wrappers over the job service. */
import { studyOfApp } from '../training/eval/study-config';
import { resumableRun, runDirOf } from '../services/runs-service';
import type { AppContext } from './context';
import type { PartialHandlers } from './dispatch';

export function trainingHandlers(ctx: AppContext): PartialHandlers {
  return {
    'training.start': ({ kind, config }) => {
      // the cross-field rules (first channel = target, embargo >= horizon, ...) refuse a setup before it queues
      studyOfApp(config, ctx.settings.get().runsDir, 'the study setup');
      ctx.settings.set({ lastStudyConfig: config });
      return ctx.jobs.start(kind, { config });
    },
    'training.cancel': ({ jobId }) => ctx.jobs.cancel(jobId),
    'training.remove': ({ jobId }) => ctx.jobs.remove(jobId),
    'training.clearFinished': () => ctx.jobs.clearFinished(),
    'training.list': () => ctx.jobs.list(),
    'training.resume': ({ runId }) => {
      const dir = runDirOf(ctx.settings.get().runsDir, runId);
      const { kind, name } = resumableRun(dir);
      return ctx.jobs.start(kind, { resumeRunDir: dir, name });
    },
  };
}
