/**
 * The run registry: one folder per run under a runs directory (default ./runs).
 *   run.json        name, creation time, data dir, data fingerprint, backend, versions
 *   config.json     the full RunConfig with every default filled
 *   status.json     running | finished | failed | cancelled (+ pid, so a crashed 'running' run shows as interrupted)
 *   metrics.jsonl   one EpochMetrics per line
 *   train.log       every line stamped with time and backend
 *   checkpoint/     per-epoch checkpoint (see checkpoint.ts)
 *   model.json + weights.bin   final model in tfjs layers format
 *   predictions.json           probabilities of the last samples at the end of training (predict reproduces them)
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf } from './tf';
import '../model/lrn';
import type { DatasetConfig } from '../../../shared/domain';
import { ConfigError } from '../../../shared/errors';
import type { BackendInfo } from './backend';
import { backendLabel } from './backend-info';
import type { RunConfig } from './config';
import type { EpochMetrics } from './settings';
import { writeFileAtomic } from './atomic';
import { readCheckpointInfo } from './checkpoint';

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
  pid?: number;
  epoch?: number;
  message?: string;
  bestEpoch?: number;
  stoppedEarly?: boolean;
}

export interface RunListEntry {
  name: string;
  dir: string;
  /** 'interrupted' = status says running but its process is gone (crash, kill, reboot): resume it. */
  status: RunStatus | 'interrupted';
  createdAt: string;
  preset: string;
  epochsDone: number;
  epochs: number;
  valLoss?: number;
  valAccuracy?: number;
  backend: string;
}

const appRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** Versions saved with a run. */
export function versions(): RunMeta['versions'] {
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
  return { node: process.version, tfjs: tf.version.tfjs, app, commit };
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
  if (existsSync(path.join(dir, 'run.json')))
    throw new ConfigError(
      'name',
      `a run named ${name} already exists in ${runsDir} (continue it with: factor-inception resume ${dir})`,
    );
  mkdirSync(dir, { recursive: true });
  const full: RunMeta = { name, createdAt: new Date().toISOString(), versions: versions(), ...meta };
  writeFileAtomic(path.join(dir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
  writeFileAtomic(path.join(dir, 'run.json'), JSON.stringify(full, null, 2) + '\n');
  setRunStatus(dir, { status: 'running' });
  return dir;
}

/** True when dir holds a run (run.json). */
export function isRunDir(dir: string): boolean {
  return existsSync(path.join(dir, 'run.json'));
}

function readJson<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (err) {
    throw new ConfigError(file, `cannot read: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** run.json of a run folder. */
export function readRunMeta(dir: string): RunMeta {
  if (!isRunDir(dir)) throw new ConfigError('run', `${dir} is not a run folder (no run.json)`);
  return readJson<RunMeta>(path.join(dir, 'run.json'));
}

/** config.json of a run folder. */
export function readRunConfigOf(dir: string): RunConfig {
  return readJson<RunConfig>(path.join(dir, 'config.json'));
}

/** status.json of a run folder (undefined if absent). */
export function readRunStatus(dir: string): RunStatusFile | undefined {
  const f = path.join(dir, 'status.json');
  return existsSync(f) ? readJson<RunStatusFile>(f) : undefined;
}

/** Updates run.json's companion status.json atomically; 'running' records this process id. */
export function setRunStatus(dir: string, s: Omit<RunStatusFile, 'updatedAt' | 'pid'>): void {
  const full: RunStatusFile = {
    ...s,
    updatedAt: new Date().toISOString(),
    ...(s.status === 'running' ? { pid: process.pid } : {}),
  };
  writeFileAtomic(path.join(dir, 'status.json'), JSON.stringify(full, null, 2) + '\n');
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
  return (line: string) => appendFileSync(file, `${new Date().toISOString()} [${backend}] ${line}\n`);
}

/** Writes model.json + weights.bin (tfjs layers format) into dir, each atomically. */
export async function saveModel(dir: string, model: tf.LayersModel): Promise<void> {
  await model.save({
    save: async (a: tf.io.ModelArtifacts) => {
      const data =
        a.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(a.weightData);
      writeFileAtomic(path.join(dir, 'weights.bin'), new Uint8Array(data));
      const json = {
        modelTopology: a.modelTopology,
        format: a.format ?? 'layers-model',
        generatedBy: a.generatedBy,
        convertedBy: a.convertedBy ?? null,
        weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs ?? [] }],
      };
      writeFileAtomic(path.join(dir, 'model.json'), JSON.stringify(json));
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          weightDataBytes: data.byteLength,
        },
      };
    },
  });
}

/** Loads model.json + weights.bin from dir with a file-free handler (works in plain Node, any backend). */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  const jsonFile = path.join(dir, 'model.json');
  if (!existsSync(jsonFile))
    throw new ConfigError('run', `${dir} has no model.json (the run has not finished)`);
  const json = readJson<{
    modelTopology: object;
    format?: string;
    generatedBy?: string;
    convertedBy?: string | null;
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  }>(jsonFile);
  const buf = readFileSync(path.join(dir, json.weightsManifest[0].paths[0]));
  const weightData = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  return tf.loadLayersModel({
    load: async () => ({
      modelTopology: json.modelTopology,
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy ?? undefined,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
      weightData,
    }),
  });
}

/** The final model of a run folder. */
export function loadRunModel(runDir: string): Promise<tf.LayersModel> {
  return loadModel(runDir);
}

function processAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs in a runs directory, oldest first. */
export function listRuns(runsDir: string): RunListEntry[] {
  if (!existsSync(runsDir)) return [];
  const out: RunListEntry[] = [];
  for (const name of readdirSync(runsDir)) {
    const dir = path.join(runsDir, name);
    if (!statSync(dir).isDirectory() || !isRunDir(dir)) continue;
    try {
      const meta = readRunMeta(dir);
      const cfg = readRunConfigOf(dir);
      const st = readRunStatus(dir);
      const ck = readCheckpointInfo(dir);
      const last = ck?.history.at(-1);
      let status: RunListEntry['status'] = st?.status ?? 'failed';
      if (status === 'running' && !processAlive(st?.pid)) status = 'interrupted';
      out.push({
        name: meta.name,
        dir,
        status,
        createdAt: meta.createdAt,
        preset: cfg.model.preset,
        epochsDone: ck?.epoch ?? 0,
        epochs: cfg.train.epochs,
        valLoss: last?.valLoss,
        valAccuracy: last?.valAccuracy,
        backend: backendLabel(meta.backend),
      });
    } catch {
      // a half-written or foreign folder: list it as failed rather than hide it
      out.push({
        name,
        dir,
        status: 'failed',
        createdAt: '',
        preset: '?',
        epochsDone: 0,
        epochs: 0,
        backend: '?',
      });
    }
  }
  return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name));
}

/** Deletes a run folder; refuses folders that are not runs and runs whose process is still alive. */
export function deleteRun(runDir: string): void {
  if (!isRunDir(runDir))
    throw new ConfigError('run', `${runDir} is not a run folder (no run.json); nothing deleted`);
  const st = readRunStatus(runDir);
  if (st?.status === 'running' && st.pid !== process.pid && processAlive(st.pid))
    throw new ConfigError('run', `${runDir} is being trained by process ${st.pid}; stop it first`);
  rmSync(runDir, { recursive: true, force: true });
}
