/**
 * Today's signal for the app: which run gives it (the one asked for, else the newest finished training run with
 * a model), and a cache so that switching views does not predict again. The cache key holds the run's status
 * and the size and time of each data file the run reads, so a data update (or a retrained run) computes anew.
 * The prediction itself runs in a worker (JobService.signal), never in main. Plain Node.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import type { SignalDto } from '../../shared/ipc-contract';
import { findIndexFile } from '../training/data/data-dir';
import { readRunConfigOf, readRunStatus } from '../training/train/runs';
import type { JobService } from './jobs';
import { listRunSummaries, runDirOf } from './runs-service';

/** The run today's signal comes from: `runId`, else the newest finished training run with a model. */
export function signalRunId(runsDir: string, runId?: string): string | undefined {
  if (runId) return runId;
  return listRunSummaries(runsDir).find((r) => r.kind === 'train' && r.status === 'finished' && r.hasModel)
    ?.id;
}

/** What the signal of a run depends on besides the model: its status and the data files it reads. */
export function signalKey(runDir: string, dataDir: string): string {
  const config = readRunConfigOf(runDir);
  const files = config.dataset.channels.map((code) => {
    const file = findIndexFile(dataDir, code);
    const st = statSync(file);
    return `${path.basename(file)}:${st.size}:${st.mtimeMs}`;
  });
  return [runDir, readRunStatus(runDir)?.updatedAt ?? '', dataDir, ...files].join('|');
}

export function signalService(jobs: JobService, folders: () => { runsDir: string; dataDir: string }) {
  const cache = new Map<string, Promise<SignalDto>>();
  return {
    async get(runId?: string): Promise<SignalDto | null> {
      const { runsDir, dataDir } = folders();
      const id = signalRunId(runsDir, runId);
      if (!id) return null;
      const dir = runDirOf(runsDir, id);
      const key = signalKey(dir, dataDir);
      let p = cache.get(key);
      if (!p) {
        p = jobs.signal(dir);
        cache.set(key, p);
        // a failure is not kept: the next request tries again
        p.catch(() => cache.delete(key));
      }
      return p;
    },
  };
}
