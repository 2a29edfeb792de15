import path from 'node:path';
import { parse, num } from '../args';
import { createProgress, type ProgressDisplay } from '../progress';
import { resolveDataDir } from '../../main/training/data/data-dir';
import {
  describeBackend,
  probeTargetOf,
  selectBackend,
  type BackendInfo,
} from '../../main/training/train/backend';
import { parseRunConfig, readJsonFile, type RunConfig } from '../../main/training/train/config';
import { executeRun, prepareRun } from '../../main/training/train/run-job';
import type { TrainResult } from '../../main/training/train/trainer';

export const usage = `factor-inception train [--config <file.json>] [--out <runs dir>] [--name NAME] [--preset P] [--epochs N]
                     [--seed S] [--backend auto|tensorflow|wasm|cpu] [--data <dir>] [--json]
  Trains one model. The config file is { "dataset": {...}, "model": {...}, "train": {...}, "walkForward": {...} };
  every field is optional (see DEFAULT_DATASET, DEFAULT_MODEL, DEFAULT_TRAIN). With a walkForward section the run
  trains on its last fold and scores that fold's test block (predictions.csv, evaluation.json), as the app does.
  The run folder is <out>/<name> (default ./runs/<time>-<preset>-s<seed>). Ctrl-C stops after the current batch;
  'resume <run dir>' continues.`;

/** Reads a config file (or {}) and applies command-line overrides before validation, so errors name the field. */
export function configWithOverrides(
  file: string | undefined,
  o: { preset?: string; epochs?: number; seed?: number; backend?: string },
): RunConfig {
  const raw = (file ? readJsonFile(file) : {}) as Record<string, Record<string, unknown>>;
  const set = (section: string, key: string, v: unknown) => {
    if (v === undefined) return;
    raw[section] = { ...(raw[section] ?? {}), [key]: v };
  };
  set('model', 'preset', o.preset);
  set('train', 'epochs', o.epochs);
  set('train', 'seed', o.seed);
  set('train', 'backend', o.backend);
  return parseRunConfig(raw, file ?? 'command line');
}

/** Runs a prepared run folder with a progress display; Ctrl-C or SIGTERM = cancel after the current batch. */
export async function runWithDisplay(
  runDir: string,
  backend: BackendInfo,
  display: ProgressDisplay,
  dataDir?: string,
  command = 'factor-inception train',
): Promise<TrainResult> {
  const ac = new AbortController();
  const onSigint = () => {
    if (ac.signal.aborted) process.exit(130);
    display.log(
      'stopping after the current batch (Ctrl-C again to quit at once; the last checkpoint is kept)',
    );
    ac.abort();
  };
  // a shutdown (SIGTERM) also stops cleanly after the batch; the run is then 'cancelled' and resumable
  const onSigterm = () => ac.abort();
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  try {
    return await executeRun(runDir, {
      backend,
      onProgress: (p) => display.update(p),
      log: (l) => display.log(l),
      signal: ac.signal,
      dataDir,
      command,
    });
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    display.stop();
  }
}

/** One-line summary of a finished run for the console. */
export function summary(runDir: string, r: TrainResult): Record<string, unknown> {
  const last = r.history.at(-1);
  return {
    run: runDir,
    status: r.cancelled ? 'cancelled' : 'finished',
    backend: r.backend,
    epochs: r.history.length,
    bestEpoch: r.bestEpoch,
    stoppedEarly: r.stoppedEarly,
    loss: last?.loss,
    accuracy: last?.accuracy,
    valLoss: last?.valLoss,
    valAccuracy: last?.valAccuracy,
  };
}

function stamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    config: { type: 'string' },
    out: { type: 'string' },
    name: { type: 'string' },
    preset: { type: 'string' },
    epochs: { type: 'string' },
    seed: { type: 'string' },
    backend: { type: 'string' },
    data: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const config = configWithOverrides(values.config, {
    preset: values.preset,
    epochs: values.epochs === undefined ? undefined : num('epochs', values.epochs, 0),
    seed: values.seed === undefined ? undefined : num('seed', values.seed, 0),
    backend: values.backend,
  });
  const dataDir = resolveDataDir(values.data);
  // 'auto' times this model on each backend that loads (cached per machine) and takes the faster
  const backend = await selectBackend(config.train.backend, { probe: probeTargetOf(config) });
  const display = createProgress({ tty: values.json ? false : undefined });
  display.log(`backend: ${describeBackend(backend)}`);
  const runsDir = path.resolve(values.out ?? 'runs');
  const name = values.name ?? `${stamp()}-${config.model.preset}-s${config.train.seed}`;
  const runDir = prepareRun(runsDir, name, config, dataDir, backend);
  display.log(`run folder: ${runDir}`);
  const r = await runWithDisplay(runDir, backend, display);
  const s = summary(runDir, r);
  display.result(
    s,
    `${r.cancelled ? 'Cancelled' : 'Finished'}: ${runDir} (${r.backend}, ${r.history.length} epoch(s), val loss ${typeof s.valLoss === 'number' ? s.valLoss.toFixed(4) : '-'})`,
  );
  r.model.dispose();
  return r.cancelled ? 130 : 0;
}
