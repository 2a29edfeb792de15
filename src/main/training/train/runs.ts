/**
 * The run registry: one folder per training run or study under a runs directory (default ./runs); this file
 * writes and reads their files one by one, run-folders.ts reads whole folders for the CLI and the app.
 * A training run's folder:
 *   run.json        name, creation time, data dir, data fingerprint, backend, versions
 *   config.json     the full RunConfig with every default filled
 *   status.json     running | finished | failed | cancelled (+ pid, so a crashed 'running' run shows as interrupted)
 *   metrics.jsonl   one EpochMetrics per line
 *   train.log       every line stamped with time and backend
 *   checkpoint/     per-epoch checkpoint (see checkpoint.ts)
 *   model.json + weights.bin   final model in tfjs layers format (model-io.ts)
 *   predictions.json           probabilities of the last samples at the end of training (predict reproduces them)
 *   predictions.csv + evaluation.json   the test block, when the config has a walkForward section
 * A study's folder (study-job.ts): study.json (its config), status.json, folds/ (the fold cache), and when
 * finished predictions.csv, folds.csv, summary.json, report.html.
 * No tfjs here: the app's main process reads run folders without loading it.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, lstatSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { runConfigSchema } from '../../../shared/config';
import type { DatasetConfig } from '../../../shared/domain';
import { ConfigError } from '../../../shared/errors';
import { checkStored, parseStoredJson, readStoredJson, readStoredJsonLines, readStoredText } from './stored';
import type { BackendInfo } from './backend-info';
import type { RunConfig } from './config';
import type { EpochMetrics, FoldEpoch } from '../../../shared/training';
import { overwriteInPlace, WriteError, writeFileAtomic } from './atomic';
import { acquireRunLock, describeHolder, LOCK_FILE, lockHolder } from './run-lock';

export type RunStatus = 'running' | 'finished' | 'failed' | 'cancelled';

export interface DataFingerprint {
  files: { file: string; bytes: number; sha256: string }[];
  /** sha256 of the dataset parameters (JSON of the resolved DatasetConfig). */
  params: string;
  /** sha256 over the file hashes and the parameter hash. */
  combined: string;
}

export interface RunMeta {
  name: string;
  createdAt: string;
  dataDir: string;
  fingerprint: DataFingerprint;
  backend: BackendInfo;
  /** commit = git HEAD of the checkout when it is one: factor or model code changes alter results for the same data. */
  versions: { node: string; tfjs: string; app: string; commit?: string };
}

export interface RunStatusFile {
  status: RunStatus;
  updatedAt: string;
  /** When the folder's job first started (studies: their creation time). */
  startedAt?: string;
  pid?: number;
  epoch?: number;
  message?: string;
  bestEpoch?: number;
  stoppedEarly?: boolean;
}

const appRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** Versions saved with a run; tfjs is the version the selected backend reported. */
export function versions(tfjsVersion: string): RunMeta['versions'] {
  let app = 'unknown';
  try {
    app = (JSON.parse(readFileSync(path.join(appRoot, 'package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    /* packaged builds may not ship package.json beside the engine */
  }
  let commit: string | undefined;
  try {
    commit =
      execFileSync('git', ['rev-parse', 'HEAD'], {
        cwd: appRoot,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim() || undefined;
  } catch {
    /* not a git checkout (installed app) */
  }
  return { node: process.version, tfjs: tfjsVersion, app, commit };
}

/** sha256 of each input file and of the dataset parameters. */
export function dataFingerprint(files: string[], dataset: DatasetConfig): DataFingerprint {
  const fs = files.map((file) => {
    const buf = readFileSync(file);
    return {
      file: path.resolve(file),
      bytes: buf.byteLength,
      sha256: createHash('sha256').update(buf).digest('hex'),
    };
  });
  const params = createHash('sha256').update(JSON.stringify(dataset)).digest('hex');
  const combined = createHash('sha256')
    .update(fs.map((f) => f.sha256).join('\n') + '\n' + params)
    .digest('hex');
  return { files: fs, params, combined };
}

/** Creates a run folder (fails if it already holds a run) and writes run.json, config.json and status 'running'. */
export function createRun(
  runsDir: string,
  name: string,
  config: RunConfig,
  meta: Omit<RunMeta, 'name' | 'createdAt' | 'versions'>,
): string {
  if (!/^[\w.@+-]+$/.test(name))
    throw new ConfigError('name', `'${name}' may only hold letters, digits and . _ - + @`);
  const dir = path.resolve(runsDir, name);
  mkdirSync(dir, { recursive: true });
  // two `train --name x` started together: the lock lets one of them create the run, the other is refused
  const lock = acquireRunLock(dir, 'create run');
  try {
    if (existsSync(path.join(dir, 'run.json')))
      throw new ConfigError(
        'name',
        `a run named ${name} already exists in ${runsDir} (continue it with: factor-inception resume ${dir})`,
      );
    const full: RunMeta = {
      name,
      createdAt: new Date().toISOString(),
      versions: versions(meta.backend.tfjsVersion),
      ...meta,
    };
    writeFolderMarker(dir, 'train');
    writeFileAtomic(path.join(dir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
    writeFileAtomic(path.join(dir, 'run.json'), JSON.stringify(full, null, 2) + '\n');
    setRunStatus(dir, { status: 'running' });
  } finally {
    lock.release();
  }
  return dir;
}

/**
 * The marker of a folder this program made (factor-inception.json: kind and creation time, written once when
 * the folder is created): what the app's runs.delete requires before it removes a folder.
 */
export const FOLDER_MARKER = 'factor-inception.json';
const markerSchema = z.looseObject({
  format: z.literal('factor-inception-folder'),
  kind: z.enum(['train', 'study']),
  createdAt: z.string(),
});

/** Writes the folder's marker unless it has one. */
export function writeFolderMarker(dir: string, kind: 'train' | 'study'): void {
  const file = path.join(dir, FOLDER_MARKER);
  if (existsSync(file)) return;
  writeFileAtomic(
    file,
    JSON.stringify(
      { format: 'factor-inception-folder', kind, createdAt: new Date().toISOString() },
      null,
      2,
    ) + '\n',
  );
}

/**
 * 'train' or 'study' when dir is a folder this program made: its marker, or for a folder made before markers
 * existed, a run.json, study.json or summary.json that reads as this program's. Undefined otherwise.
 */
export function markedFolderKind(dir: string): 'train' | 'study' | undefined {
  const has = (f: string) => existsSync(path.join(dir, f));
  const valid = (f: string, schema: z.ZodType) => {
    try {
      readStoredJson(path.join(dir, f), schema);
      return true;
    } catch {
      return false;
    }
  };
  if (has(FOLDER_MARKER)) {
    try {
      return readStoredJson(path.join(dir, FOLDER_MARKER), markerSchema).kind;
    } catch {
      return undefined;
    }
  }
  if (has('run.json') && valid('run.json', runMetaSchema)) return 'train';
  if (
    has(STUDY_FILE) &&
    valid(STUDY_FILE, z.looseObject({ dataset: z.object({}).loose(), model: z.object({}).loose() }))
  )
    return 'study';
  if (
    has('summary.json') &&
    valid('summary.json', z.looseObject({ headline: z.string(), cells: z.array(z.unknown()) }))
  )
    return 'study';
  return undefined;
}

/** A new folder name under runsDir, `<yyyymmdd-hhmmss>-<kind>-<name slug>`, numbered when taken. */
export function newRunFolderName(runsDir: string, kind: string, name: string, now = new Date()): string {
  const slug =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || 'run';
  const base = `${now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}-${kind}-${slug}`;
  let n = base;
  for (let i = 2; existsSync(path.join(runsDir, n)); i++) n = `${base}-${i}`;
  return n;
}

/** True when dir holds a run (run.json). */
export function isRunDir(dir: string): boolean {
  return existsSync(path.join(dir, 'run.json'));
}

const STATUS_FILE = 'status.json';
export const STUDY_FILE = 'study.json';

const runMetaSchema = z.looseObject({
  name: z.string(),
  createdAt: z.string(),
  dataDir: z.string(),
  fingerprint: z.looseObject({ combined: z.string() }),
  backend: z.looseObject({ name: z.string(), requested: z.string(), tfjsVersion: z.string() }),
  versions: z.looseObject({ node: z.string(), tfjs: z.string(), app: z.string() }),
});
const statusSchema = z.looseObject({
  status: z.enum(['running', 'finished', 'failed', 'cancelled']),
  updatedAt: z.string(),
  startedAt: z.string().optional(),
  pid: z.number().optional(),
  epoch: z.number().optional(),
  message: z.string().optional(),
  bestEpoch: z.number().optional(),
  stoppedEarly: z.boolean().optional(),
});
const epochSchema = z.looseObject({
  epoch: z.number(),
  loss: z.number(),
  accuracy: z.number(),
  valLoss: z.number().optional(),
  valAccuracy: z.number().optional(),
  learningRate: z.number(),
  seconds: z.number(),
});

/** run.json of a run folder. */
export function readRunMeta(dir: string): RunMeta {
  if (!isRunDir(dir)) throw new ConfigError('run', `${dir} is not a run folder (no run.json)`);
  return readStoredJson(path.join(dir, 'run.json'), runMetaSchema) as unknown as RunMeta;
}

/** config.json of a run folder (the object as written, so it compares equal to the config it came from). */
export function readRunConfigOf(dir: string): RunConfig {
  const file = path.join(dir, 'config.json');
  const raw = parseStoredJson(readStoredText(file), file);
  checkStored(file, raw, runConfigSchema);
  return raw as RunConfig;
}

/** status.json of a run or study folder (undefined if absent). */
export function readRunStatus(dir: string): RunStatusFile | undefined {
  const f = path.join(dir, STATUS_FILE);
  return existsSync(f) ? (readStoredJson(f, statusSchema) as RunStatusFile) : undefined;
}

/** metrics.jsonl of a run folder: one EpochMetrics per line (empty before the first epoch). */
export function readMetrics(dir: string): EpochMetrics[] {
  return readEpochLines(path.join(dir, 'metrics.jsonl'), epochSchema) as EpochMetrics[];
}

/**
 * A study's epochs.jsonl: every epoch of every fold training, keyed by the fold (`cell_sSeed_fIndex`), so the
 * app's live charts keep the epochs trained before a cancel when the study is resumed. Outside the fold cache:
 * it changes no fold's hash and no cached file.
 */
export const STUDY_EPOCHS_FILE = 'epochs.jsonl';

export const foldEpochSchema = epochSchema.extend({ fold: z.string().min(1) });

/** epochs.jsonl of a study folder (empty when absent: a study made before it existed, or not started). */
export function readStudyEpochs(dir: string): FoldEpoch[] {
  return readEpochLines(path.join(dir, STUDY_EPOCHS_FILE), foldEpochSchema) as FoldEpoch[];
}

/** Rewrites a study's epochs.jsonl (atomic; a few hundred short lines at most). */
export function writeStudyEpochs(dir: string, epochs: FoldEpoch[]): void {
  writeFileAtomic(
    path.join(dir, STUDY_EPOCHS_FILE),
    epochs.map((m) => JSON.stringify(m)).join('\n') + (epochs.length ? '\n' : ''),
  );
}

/** JSON lines validated one by one; a bad line is refused naming the file, the line and the field. */
function readEpochLines(file: string, schema: z.ZodType): unknown[] {
  if (!existsSync(file)) return [];
  return readStoredJsonLines(file, schema);
}

/** Updates run.json's companion status.json atomically; 'running' records this process id. */
export function setRunStatus(dir: string, s: Omit<RunStatusFile, 'updatedAt' | 'pid' | 'startedAt'>): void {
  const now = new Date().toISOString();
  const previous = existsSync(path.join(dir, STATUS_FILE)) ? readRunStatus(dir) : undefined;
  const full: RunStatusFile = {
    ...s,
    updatedAt: now,
    startedAt: previous?.startedAt ?? now,
    ...(s.status === 'running' ? { pid: process.pid } : {}),
  };
  writeFileAtomic(path.join(dir, STATUS_FILE), JSON.stringify(full, null, 2) + '\n');
}

/**
 * Records a failure in status.json and never throws over the error being reported: when the disk is full and
 * no temp file fits, status.json is overwritten in place (its block is already allocated). Should even that
 * fail, the released lock shows the folder as interrupted, not running.
 */
export function setFailedStatus(dir: string, message: string): void {
  try {
    setRunStatus(dir, { status: 'failed', message });
    return;
  } catch {
    /* fall through to the in-place write */
  }
  try {
    const previous = tryStatus(dir);
    const text = JSON.stringify({
      status: 'failed',
      updatedAt: new Date().toISOString(),
      ...(previous?.startedAt ? { startedAt: previous.startedAt } : {}),
      message: message.slice(0, 1000),
    });
    overwriteInPlace(path.join(dir, STATUS_FILE), text);
  } catch {
    /* nothing more can be written here */
  }
}

/** Rewrites metrics.jsonl from the full history (atomic; histories are short). */
export function writeMetrics(dir: string, history: EpochMetrics[]): void {
  writeFileAtomic(
    path.join(dir, 'metrics.jsonl'),
    history.map((m) => JSON.stringify(m)).join('\n') + (history.length ? '\n' : ''),
  );
}

/** A logger that appends `<ISO time> [<backend>] line` to the run's train.log. */
export function runLogger(dir: string, backend: string): (line: string) => void {
  const file = path.join(dir, 'train.log');
  return (line: string) => {
    try {
      appendFileSync(file, `${new Date().toISOString()} [${backend}] ${line}\n`);
    } catch (err) {
      throw new WriteError(file, err);
    }
  };
}

/** True while a process with this id runs (a 'running' status whose process is gone was interrupted). */
export function processAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Deletes a run or study folder: only a folder this program made (markedFolderKind), never a symlink, and not
 * while a live process holds its lock (or, for folders from before locks, its status names a live process).
 */
export function deleteRun(runDir: string): void {
  let st;
  try {
    st = lstatSync(runDir);
  } catch {
    throw new ConfigError('run', `${runDir} does not exist; nothing deleted`);
  }
  if (st.isSymbolicLink() || !st.isDirectory())
    throw new ConfigError(
      'run',
      `${runDir} is ${st.isSymbolicLink() ? 'a symbolic link' : 'not a folder'}; nothing deleted`,
    );
  if (!markedFolderKind(runDir))
    throw new ConfigError(
      'run',
      `${runDir} is not a run or study folder made by this program (no ${FOLDER_MARKER}, run.json or study.json); nothing deleted`,
    );
  const holder = lockHolder(runDir);
  if (holder)
    throw new ConfigError('run', `${runDir} is being trained by ${describeHolder(holder)}; stop it first`);
  const status = existsSync(path.join(runDir, STATUS_FILE)) ? tryStatus(runDir) : undefined;
  if (
    !existsSync(path.join(runDir, LOCK_FILE)) &&
    status?.status === 'running' &&
    status.pid !== process.pid &&
    processAlive(status.pid)
  )
    throw new ConfigError('run', `${runDir} is being trained by process ${status.pid}; stop it first`);
  rmSync(runDir, { recursive: true, force: true });
}

function tryStatus(dir: string): RunStatusFile | undefined {
  try {
    return readRunStatus(dir);
  } catch {
    return undefined;
  }
}
