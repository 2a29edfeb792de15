/** runs.* channels. */
import {
  deleteRunDir,
  exportCsv,
  listRunSummaries,
  readRunDetail,
  reportFile,
  runDirOf,
} from '../services/runs-service';
import type { AppContext } from './context';
import type { PartialHandlers } from './dispatch';

export function runsHandlers(ctx: AppContext): PartialHandlers {
  const dir = () => ctx.settings.get().runsDir;
  return {
    'runs.list': () => listRunSummaries(dir()),
    'runs.get': ({ runId }) => readRunDetail(runDirOf(dir(), runId)),
    'runs.delete': ({ runId }) => {
      if (ctx.jobs.list().some((j) => j.runId === runId && j.status === 'running'))
        throw new Error(`Run ${runId} is still training: cancel it before deleting.`);
      deleteRunDir(dir(), runId);
      return { deleted: runId };
    },
    'runs.exportCsv': ({ runId, kind }) => exportCsv(runDirOf(dir(), runId), kind),
    'runs.openReport': ({ runId }) => ctx.openReport(reportFile(runDirOf(dir(), runId)), runId),
  };
}
