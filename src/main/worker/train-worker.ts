/**
 * The training worker: a separate process (Electron utilityProcess, or a Node child process in the web host) so
 * training never blocks the window. It receives one job, reports progress, writes the run folder, and exits.
 * Cancel arrives as a message and aborts after the current batch (the trainer checkpoints each epoch).
 */
import { mkdirSync, writeFileSync, renameSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import type { FromWorker, ToWorker, WorkerJob } from './protocol';
import type { AppRunFile } from '../services/runs-service';
import { CLASS_NAMES } from '../../shared/domain';

interface ParentPort {
  on(event: 'message', cb: (e: { data: unknown }) => void): void;
  postMessage(msg: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function post(msg: FromWorker): void {
  if (parentPort) parentPort.postMessage(msg);
  else process.send?.(msg);
}

function onParent(cb: (msg: ToWorker) => void): void {
  if (parentPort) parentPort.on('message', (e) => cb(e.data as ToWorker));
  else process.on('message', (m) => cb(m as ToWorker));
}

function writeAtomic(file: string, content: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
}

function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || 'run'
  );
}

function stamp(d = new Date()): string {
  return d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

function createRunDir(job: WorkerJob): string {
  if (job.resumeRunDir) return job.resumeRunDir;
  mkdirSync(job.runsDir, { recursive: true });
  const base = `${stamp()}-${job.kind}-${slug(job.config.name)}`;
  let dir = path.join(job.runsDir, base);
  for (let i = 2; existsSync(dir); i++) dir = path.join(job.runsDir, `${base}-${i}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function writeRunFile(dir: string, patch: Partial<AppRunFile>, job: WorkerJob): void {
  const file = path.join(dir, 'app-run.json');
  const prev: Partial<AppRunFile> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const next: AppRunFile = {
    kind: job.kind,
    config: job.config,
    createdAt: new Date().toISOString(),
    status: 'running',
    ...prev,
    ...patch,
  };
  writeAtomic(file, JSON.stringify(next, null, 2));
}

/** One model trained on the most recent walk-forward fold and evaluated on its test block. */
async function runTrain(
  job: WorkerJob,
  dir: string,
  signal: AbortSignal,
  log: (l: string) => void,
): Promise<boolean> {
  const { describeBackend, selectBackend } = await import('../training/train/backend');
  const { backendLabel } = await import('../training/train/backend-info');
  const { loadDataset } = await import('../training/images/dataset');
  const { walkForwardSplits } = await import('../training/eval/splits');
  const { trainModel, predictProba } = await import('../training/train/trainer');
  const { modelInput } = await import('../training/model/spec');
  const { config } = job;

  const backend = await selectBackend(config.train.backend);
  post({ type: 'backend', name: backendLabel(backend) });
  log(`backend ${describeBackend(backend)}`);
  writeRunFile(dir, { backend: backendLabel(backend) }, job);

  post({ type: 'stage', stage: 'building dataset', fraction: 0 });
  const { dataset: ds } = loadDataset(config.dataset, job.dataDir);
  const labeled = ds.labels.findIndex((l) => l < 0);
  const labeledCount = labeled < 0 ? ds.labels.length : labeled;
  const wf = config.walkForward;
  const folds = walkForwardSplits(ds.dates, labeledCount, {
    ...wf,
    horizonDays: config.dataset.horizonDays,
    validationFraction: config.train.validationFraction,
  });
  if (folds.length === 0)
    throw new Error(
      'No walk-forward fold fits the data: shorten trainDays/testDays or widen the date range.',
    );
  const fold = folds[folds.length - 1];
  log(
    `dataset ${ds.dates.length} samples, image ${ds.imageShape.join('x')}; fold ${fold.index}: train ${fold.train.length}, val ${fold.val.length}, test ${fold.test.length} (${fold.testStart}..${fold.testEnd})`,
  );
  const input = modelInput(config.model.preset);
  post({ type: 'stage', stage: 'training', fraction: 0 });
  const result = await trainModel({
    model: config.model,
    settings: config.train,
    trainSet: ds.source(fold.train, input),
    valSet: fold.val.length ? ds.source(fold.val, input) : undefined,
    runDir: dir,
    signal,
    backend: backendLabel(backend),
    log,
    onProgress: (p) => post({ type: 'progress', progress: p }),
    onEpoch: (m) => {
      post({ type: 'epoch', metrics: m });
      post({
        type: 'stage',
        stage: `epoch ${m.epoch}/${config.train.epochs}`,
        fraction: m.epoch / config.train.epochs,
      });
    },
  });
  writeAtomic(path.join(dir, 'history.json'), JSON.stringify(result.history, null, 2));
  if (result.cancelled) return true;

  post({ type: 'stage', stage: 'predicting test block', fraction: 1 });
  const proba = predictProba(result.model, ds.source(fold.test, input));
  const rows = fold.test.map((idx, k) => {
    const p = [proba[k * 3], proba[k * 3 + 1], proba[k * 3 + 2]];
    const predicted = p.indexOf(Math.max(...p));
    const actual = ds.labels[idx];
    return {
      date: ds.dates[idx],
      close: ds.targetClose[idx],
      p_down: p[0].toFixed(6),
      p_flat: p[1].toFixed(6),
      p_up: p[2].toFixed(6),
      predicted: CLASS_NAMES[predicted],
      forward_return: Number.isNaN(ds.forwardReturns[idx]) ? '' : ds.forwardReturns[idx].toFixed(6),
      actual: actual >= 0 ? CLASS_NAMES[actual] : '',
      correct: actual >= 0 ? Number(actual === predicted) : '',
    };
  });
  const correct = rows.filter((r) => r.correct === 1).length;
  const accuracy = rows.length ? correct / rows.length : NaN;
  writeAtomic(path.join(dir, 'predictions.csv'), '\uFEFF' + Papa.unparse(rows) + '\n');
  writeAtomic(
    path.join(dir, 'folds.csv'),
    '\uFEFF' +
      Papa.unparse([
        {
          fold: fold.index,
          test_start: fold.testStart,
          test_end: fold.testEnd,
          train_samples: fold.train.length,
          test_samples: fold.test.length,
          accuracy: accuracy.toFixed(6),
        },
      ]) +
      '\n',
  );
  writeAtomic(
    path.join(dir, 'summary.json'),
    JSON.stringify(
      {
        kind: 'train',
        backend: backendLabel(backend),
        metrics: { accuracy },
        bestEpoch: result.bestEpoch,
        stoppedEarly: result.stoppedEarly,
      },
      null,
      2,
    ),
  );
  log(`test accuracy ${(accuracy * 100).toFixed(1)} % on ${rows.length} samples`);
  result.model.dispose();
  return false;
}

/** The full walk-forward study (runStudy) writing its reports into the run folder. */
async function runStudyJob(
  job: WorkerJob,
  dir: string,
  signal: AbortSignal,
  log: (l: string) => void,
): Promise<boolean> {
  const { describeBackend, selectBackend } = await import('../training/train/backend');
  const { backendLabel } = await import('../training/train/backend-info');
  const { studyOfApp } = await import('../training/eval/study-config');
  const { runStudy } = await import('../training/eval/study');
  const { writeReports } = await import('../training/report/write');
  const { config } = job;
  const backend = await selectBackend(config.train.backend);
  post({ type: 'backend', name: backendLabel(backend) });
  log(`backend ${describeBackend(backend)}`);
  writeRunFile(dir, { backend: backendLabel(backend) }, job);
  const study = studyOfApp(config, dir, `study ${config.name}`);
  let lastEpochs = 0;
  const result = await runStudy(study, {
    signal,
    log,
    dataDir: job.dataDir,
    backend,
    onProgress: (p) => {
      const fraction = p.total
        ? (p.done + (p.epoch && p.epochs ? p.epoch / p.epochs : 0)) / p.total
        : undefined;
      post({
        type: 'stage',
        stage: `${p.done}/${p.total} folds · ${p.key}${p.epoch ? ` · epoch ${p.epoch}/${p.epochs}` : ''}`,
        fraction,
      });
      if (p.epochs) lastEpochs = p.epochs;
      post({
        type: 'progress',
        progress: {
          epoch: p.done + 1,
          epochs: p.total,
          batch: p.epoch ?? 0,
          batches: p.epochs ?? lastEpochs,
          loss: NaN,
          accuracy: NaN,
          samplesPerSecond: 0,
          etaSeconds: p.etaSeconds,
          backend: backendLabel(backend),
          phase: 'validate',
        },
      });
    },
  });
  writeReports(result);
  return signal.aborted;
}

let started = false;
const controller = new AbortController();

onParent((msg) => {
  if (msg.type === 'cancel') {
    controller.abort();
    return;
  }
  if (msg.type !== 'start' || started) return;
  started = true;
  const job = msg.job;
  let dir: string | undefined;
  const log = (line: string) => post({ type: 'log', line });
  void (async () => {
    try {
      dir = createRunDir(job);
      writeRunFile(dir, { status: 'running' }, job);
      post({ type: 'run', runId: path.basename(dir), runDir: dir });
      const cancelled =
        job.kind === 'study'
          ? await runStudyJob(job, dir, controller.signal, log)
          : await runTrain(job, dir, controller.signal, log);
      writeRunFile(dir, { status: cancelled ? 'cancelled' : 'done' }, job);
      post({ type: 'done', cancelled });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (dir) writeRunFile(dir, { status: 'failed', error: message }, job);
      post({ type: 'error', message });
    } finally {
      // give the last message time to flush, then leave (tfjs may keep handles open)
      setTimeout(() => process.exit(0), 200);
    }
  })();
});
post({ type: 'ready' });
