/**
 * The one typed reader of run and study folders, used by the CLI (runs, resume) and the app (runs list, results,
 * resume): what kind of folder it is, its status (a crashed 'running' job shows as interrupted), its config, and
 * its history, test-block scores or study summary. Every file is read through a validating reader that names the
 * file and field it refuses. No tfjs here.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { studyFolderFileSchema, type StudyConfig } from '../../../shared/config';
import { ConfigError } from '../../../shared/errors';
import { parseStudyConfig } from '../eval/study-config';
import { readStudySummary, readValidatedJson, type StudySummaryFile } from '../report/read';
import { backendLabel, type BackendInfo } from './backend-info';
import type { RunConfig } from './config';
import { readStoredJson } from './stored';
import { LOCK_FILE, lockHolder } from './run-lock';
import { isFoldFile } from '../eval/study/fold-cache';
import { EVALUATION_FILE, runEvaluationSchema, type RunEvaluationFile } from './run-evaluation';
import {
  FOLDER_MARKER,
  isRunDir,
  markedFolderKind,
  processAlive,
  readMetrics,
  readRunConfigOf,
  readRunMeta,
  readRunStatus,
  STUDY_FILE,
  type RunMeta,
  type RunStatus,
  type RunStatusFile,
} from './runs';
import type { EpochMetrics } from './settings';

export type FolderStatus = RunStatus | 'interrupted';

interface FolderCommon {
  dir: string;
  /** The folder's name (a run's name is its folder name; a study's, its config's name). */
  name: string;
  createdAt: string;
  /** 'interrupted' = status says running but its process is gone (crash, kill, reboot): resume it. */
  status: FolderStatus;
  /** Why it failed or was cancelled, from status.json. */
  message?: string;
  backend?: string;
}

export interface TrainRunFolder extends FolderCommon {
  kind: 'train';
  meta: RunMeta;
  config: RunConfig;
  history: EpochMetrics[];
  bestEpoch?: number;
  stoppedEarly?: boolean;
  /** The test block's scores, when the config has a walkForward section and training finished. */
  evaluation?: RunEvaluationFile;
}

export interface StudyFolder extends FolderCommon {
  kind: 'study';
  config: StudyConfig;
  /** summary.json, once the study finished. */
  summary?: StudySummaryFile;
  /** Folds in the fold cache (trained so far, over every cell and seed). */
  foldsDone: number;
}

export type RunFolder = TrainRunFolder | StudyFolder;

/** A folder under a runs directory that is neither a run nor a study, or that cannot be read. */
export interface UnreadableFolder {
  kind: 'unknown';
  /** What the folder is by its marker or kind files when one of its files cannot be read: it is broken. */
  brokenKind?: 'train' | 'study';
  dir: string;
  name: string;
  error: string;
}

/** 'train' for a run folder (run.json), 'study' for a study folder (study.json or summary.json). */
export function folderKind(dir: string): 'train' | 'study' | undefined {
  if (isRunDir(dir)) return 'train';
  if (existsSync(path.join(dir, STUDY_FILE)) || existsSync(path.join(dir, 'summary.json'))) return 'study';
  return undefined;
}

/**
 * 'running' only while a live process trains the folder: its lock's holder. A folder trained before locks
 * existed (no marker, no lock) falls back to the process id in status.json. A 'running' status without either
 * was interrupted (crash, kill, a disk too full to record the failure), also while the process that wrote it
 * lives on (a batch that went on to its next run).
 */
function liveStatus(dir: string, st: RunStatusFile | undefined, fallback: FolderStatus): FolderStatus {
  const status = st?.status ?? fallback;
  if (status !== 'running') return status;
  if (existsSync(path.join(dir, LOCK_FILE))) return lockHolder(dir) ? 'running' : 'interrupted';
  if (existsSync(path.join(dir, FOLDER_MARKER))) return 'interrupted';
  return processAlive(st?.pid) ? 'running' : 'interrupted';
}

/**
 * The study config of a study folder, outDir = the folder: study.json, or for a study written before study.json
 * existed, the config inside its summary.json.
 */
export function readStudyConfigOf(dir: string): StudyConfig {
  const file = path.join(dir, STUDY_FILE);
  if (existsSync(file)) {
    const raw = readStoredJson(file, studyFolderFileSchema);
    return parseStudyConfig({ ...(raw as Record<string, unknown>), outDir: dir }, file);
  }
  const summaryFile = path.join(dir, 'summary.json');
  const summary = readStudySummary(summaryFile);
  if (!summary) throw new ConfigError('study', `${dir} is not a study folder (no ${STUDY_FILE})`);
  return parseStudyConfig({ name: path.basename(dir), ...summary.config, outDir: dir }, summaryFile);
}

/**
 * Reads a run or study folder: status (with crashed runs shown as interrupted), config, history or summary.
 * Throws naming the file and field it cannot use.
 */
export function readRunFolder(dir: string): RunFolder {
  const kind = folderKind(dir);
  const st = kind ? readRunStatus(dir) : undefined;
  if (kind === 'train') {
    const meta = readRunMeta(dir);
    const evalFile = path.join(dir, EVALUATION_FILE);
    return {
      kind,
      dir,
      name: meta.name,
      createdAt: meta.createdAt,
      status: liveStatus(dir, st, 'failed'),
      message: st?.message ?? (st ? undefined : 'no status.json'),
      backend: backendLabel(meta.backend),
      meta,
      config: readRunConfigOf(dir),
      history: readMetrics(dir),
      bestEpoch: st?.bestEpoch,
      stoppedEarly: st?.stoppedEarly,
      evaluation: existsSync(evalFile) ? readValidatedJson(evalFile, runEvaluationSchema) : undefined,
    };
  }
  if (kind === 'study') {
    const summary = readStudySummary(path.join(dir, 'summary.json'));
    const config = readStudyConfigOf(dir);
    const foldDir = path.join(dir, 'folds');
    const stamped = existsSync(path.join(dir, STUDY_FILE)) ? STUDY_FILE : 'summary.json';
    return {
      kind,
      dir,
      name: config.name,
      createdAt: st?.startedAt ?? statSync(path.join(dir, stamped)).mtime.toISOString(),
      // a study written before status.json existed has finished when its summary is there
      status: liveStatus(dir, st, summary ? 'finished' : 'failed'),
      message: st?.message,
      backend: summary?.backend ? backendLabel(summary.backend as unknown as BackendInfo) : undefined,
      config,
      summary,
      foldsDone: existsSync(foldDir) ? readdirSync(foldDir).filter(isFoldFile).length : 0,
    };
  }
  throw new ConfigError(
    'run',
    `${dir} is neither a run folder (run.json) nor a study folder (${STUDY_FILE})`,
  );
}

/** The list entry of a folder readRunFolder refused. */
export function unreadable(dir: string, err: unknown): UnreadableFolder {
  let brokenKind: 'train' | 'study' | undefined;
  try {
    brokenKind = folderKind(dir) ?? markedFolderKind(dir);
  } catch {
    brokenKind = undefined;
  }
  return {
    kind: 'unknown',
    brokenKind,
    dir,
    name: path.basename(dir),
    error: err instanceof Error ? err.message : String(err),
  };
}

/** Every run and study folder in a runs directory, oldest first; folders it cannot read say why. */
export function listRunFolders(runsDir: string): (RunFolder | UnreadableFolder)[] {
  if (!existsSync(runsDir)) return [];
  const out: (RunFolder | UnreadableFolder)[] = [];
  let names: string[];
  try {
    names = readdirSync(runsDir);
  } catch (err) {
    throw new ConfigError(
      'runsDir',
      `${runsDir} cannot be listed: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  for (const name of names) {
    const dir = path.join(runsDir, name);
    if (name.startsWith('.')) continue;
    try {
      // a dangling link or an entry removed meanwhile is not a folder to list
      if (!statSync(dir).isDirectory()) continue;
    } catch {
      continue;
    }
    try {
      out.push(readRunFolder(dir));
    } catch (err) {
      // a broken or foreign folder: list it, with the reason, rather than hide it or fail the whole list
      out.push(unreadable(dir, err));
    }
  }
  const created = (f: RunFolder | UnreadableFolder) => ('createdAt' in f ? f.createdAt : '');
  return out.sort((a, b) => created(a).localeCompare(created(b)) || a.name.localeCompare(b.name));
}

/** The runs and studies of a runs directory as the CLI lists them. */
export function listRuns(runsDir: string): RunListEntry[] {
  return listRunFolders(runsDir).map((f): RunListEntry => {
    if (f.kind === 'unknown')
      return {
        kind: f.brokenKind ?? 'unknown',
        name: f.name,
        dir: f.dir,
        status: f.brokenKind ? 'broken' : 'unknown',
        message: f.error,
        createdAt: '',
        preset: '?',
        epochsDone: 0,
        epochs: 0,
        backend: '?',
      };
    const last = f.kind === 'train' ? f.history.at(-1) : undefined;
    return {
      kind: f.kind,
      name: f.name,
      dir: f.dir,
      status: f.status,
      createdAt: f.createdAt,
      preset: f.config.model.preset,
      epochsDone: f.kind === 'train' ? f.history.length : f.foldsDone,
      epochs: f.kind === 'train' ? f.config.train.epochs : 0,
      valLoss: last?.valLoss,
      valAccuracy: last?.valAccuracy,
      backend: f.backend ?? '?',
    };
  });
}

/** One line of `factor-inception runs`. */
export interface RunListEntry {
  kind: 'train' | 'study' | 'unknown';
  name: string;
  dir: string;
  /** 'interrupted' = status says running but its process is gone (crash, kill, reboot): resume it. */
  status: RunStatus | 'interrupted' | 'broken' | 'unknown';
  /** Why a broken or unknown folder cannot be read. */
  message?: string;
  createdAt: string;
  preset: string;
  /** Epochs trained; for a study, folds in its fold cache. */
  epochsDone: number;
  /** Epochs configured (0 for a study). */
  epochs: number;
  valLoss?: number;
  valAccuracy?: number;
  backend: string;
}
