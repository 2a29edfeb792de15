/**
 * One study end to end, shared by the CLI's study and resume commands and the app's training worker: the study
 * folder gets study.json (its config, a study file that `factor-inception study --config` reads back) and a
 * status, then runStudy trains or reads every fold and the report writers write predictions.csv, folds.csv,
 * summary.json and report.html. Rerunning on the same folder reuses its fold cache. Every epoch of every fold
 * training goes to epochs.jsonl (outside the fold cache), so a resumed study's charts start with the epochs
 * trained before.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { runStudy, type StudyHooks, type StudyResult } from '../eval/study';
import { appStudyOf, type StudyConfig } from '../eval/study-config';
import { writeReports } from '../report/write';
import { withEpoch, type FoldEpoch } from '../../../shared/training';
import { cleanStaleTempFiles, writeFileAtomic } from './atomic';
import { readStudyConfigOf } from './run-folders';
import { acquireRunLock } from './run-lock';
import { mergeShardEpochs } from './shard-epochs';
import { setFailedStatus, setRunStatus, STUDY_FILE, writeFolderMarker, writeStudyEpochs } from './runs';

export type StudyJobHooks = StudyHooks & {
  command?: string;
  /**
   * Runs while the folder is locked and its status is 'running', before the study trains: `study --jobs` trains
   * the folds in child processes here. Throwing 'study cancelled' with the signal aborted cancels the study.
   */
  beforeTraining?: () => Promise<void>;
};

/** The message runStudy throws when its signal aborts. */
const CANCELLED = 'study cancelled';

/**
 * Runs the study into config.outDir and writes its reports; undefined when cancelled (finished folds are kept).
 * Failures set the status to 'failed' with the message and are rethrown.
 */
export async function executeStudy(
  config: StudyConfig,
  hooks: StudyJobHooks = {},
): Promise<StudyResult | undefined> {
  const dir = path.resolve(config.outDir);
  mkdirSync(dir, { recursive: true });
  // one writer per folder: a second study or resume on it is refused here, before it writes anything
  const lock = acquireRunLock(dir, hooks.command ?? 'factor-inception study');
  try {
    cleanStaleTempFiles(dir, 1);
    return await studyLocked(dir, config, hooks);
  } finally {
    lock.release();
  }
}

async function studyLocked(
  dir: string,
  config: StudyConfig,
  hooks: StudyJobHooks,
): Promise<StudyResult | undefined> {
  writeFolderMarker(dir, 'study');
  // outDir belongs to the folder, so study.json stays valid when the folder moves
  writeFileAtomic(path.join(dir, STUDY_FILE), JSON.stringify(appStudyOf(config), null, 2) + '\n');
  setRunStatus(dir, { status: 'running' });
  try {
    await hooks.beforeTraining?.();
    // the epochs of folds trained by --jobs children, then this process's own
    let epochs: FoldEpoch[] = mergeShardEpochs(dir);
    const result = await runStudy(config, {
      ...hooks,
      onEpoch: (fold, m) => {
        epochs = withEpoch(epochs, { ...m, fold });
        writeStudyEpochs(dir, epochs);
        hooks.onEpoch?.(fold, m);
      },
    });
    writeReports(result);
    setRunStatus(dir, { status: 'finished' });
    return result;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (message === CANCELLED && hooks.signal?.aborted) {
      setRunStatus(dir, {
        status: 'cancelled',
        message: 'cancelled; resume continues with the folds not yet trained',
      });
      return undefined;
    }
    setFailedStatus(dir, message);
    throw err;
  }
}

/** Continues (or re-reports) the study in dir from its study.json and fold cache. */
export function resumeStudy(dir: string, hooks: StudyJobHooks = {}): Promise<StudyResult | undefined> {
  return executeStudy(readStudyConfigOf(path.resolve(dir)), hooks);
}
