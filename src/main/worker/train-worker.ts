/**
 * The training worker: a separate process (Electron utilityProcess, or a Node child process in the web host) so
 * training never blocks the window. It receives one job, runs it through the engine's run job or study job (the
 * same ones the CLI runs), reports progress, and exits. Cancel arrives as a message and aborts after the
 * current batch (runs checkpoint each epoch, studies keep every finished fold).
 */
import path from 'node:path';
import type { AppStudyConfig } from '../../shared/config';
import type { BackendInfo } from '../training/train/backend-info';
import type { FromWorker, ToWorker, WorkerJob } from './protocol';

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

type Log = (line: string) => void;

/** The configured backend; 'auto' times one training step of this model on each available backend (cached). */
async function backendFor(
  config: Pick<AppStudyConfig, 'dataset' | 'model' | 'train'>,
  log: Log,
): Promise<BackendInfo> {
  const { describeBackend, probeTargetOf, selectBackend } = await import('../training/train/backend');
  const { backendLabel } = await import('../training/train/backend-info');
  const backend = await selectBackend(config.train.backend, { probe: probeTargetOf(config) });
  post({ type: 'backend', name: backendLabel(backend) });
  log(`backend ${describeBackend(backend)}`);
  return backend;
}

/** A training run: a new run folder from the app's setup, or an existing one resumed from its checkpoint. */
async function trainJob(job: WorkerJob, signal: AbortSignal, log: Log): Promise<boolean> {
  const { executeRun, prepareRun } = await import('../training/train/run-job');
  const { parseRunConfig } = await import('../training/train/config');
  const { newRunFolderName, readMetrics, readRunConfigOf } = await import('../training/train/runs');
  const { runOfApp } = await import('../training/eval/study-config');
  let dir = job.resumeRunDir;
  const config = dir ? readRunConfigOf(dir) : parseRunConfig(runOfApp(job.config!), job.config!.name);
  const backend = await backendFor(config, log);
  post({ type: 'step', step: 'dataset' });
  if (!dir) {
    dir = prepareRun(
      job.runsDir,
      newRunFolderName(job.runsDir, 'train', job.config!.name),
      config,
      job.dataDir,
      backend,
    );
  }
  post({ type: 'run', runId: path.basename(dir), runDir: dir });
  // a resumed run continues from its checkpoint: its chart starts with the epochs trained before
  post({ type: 'history', history: readMetrics(dir) });
  const result = await executeRun(dir, {
    backend,
    signal,
    log,
    command: 'the app (training worker)',
    // a resumed run reads the data it started with (run.json), a new one the app's data folder
    onProgress: (p) => post({ type: 'progress', progress: p }),
    onEpoch: (m) => post({ type: 'epoch', metrics: m }),
    onStage: () => post({ type: 'step', step: 'predicting' }),
  });
  result.model.dispose();
  return result.cancelled;
}

/** A study: a new study folder from the app's setup, or an existing one (app- or CLI-made) continued. */
async function studyJob(job: WorkerJob, signal: AbortSignal, log: Log): Promise<boolean> {
  const { studyOfApp } = await import('../training/eval/study-config');
  const { readStudyConfigOf } = await import('../training/train/run-folders');
  const { executeStudy } = await import('../training/train/study-job');
  const { newRunFolderName, readStudyEpochs } = await import('../training/train/runs');
  const dir =
    job.resumeRunDir ?? path.join(job.runsDir, newRunFolderName(job.runsDir, 'study', job.config!.name));
  const config = job.resumeRunDir
    ? readStudyConfigOf(dir)
    : studyOfApp(job.config!, dir, `study ${job.config!.name}`);
  const backend = await backendFor(config, log);
  post({ type: 'run', runId: path.basename(dir), runDir: dir });
  post({ type: 'history', history: job.resumeRunDir ? readStudyEpochs(dir) : [] });
  post({ type: 'step', step: 'dataset' });
  const result = await executeStudy(config, {
    command: 'the app (training worker)',
    signal,
    log,
    dataDir: job.dataDir,
    backend,
    onProgress: (p) => {
      // one count for every display: fold trainings finished (trained or cached) of the planned total
      post({
        type: 'study',
        study: {
          done: p.done,
          total: p.total,
          cached: p.cached,
          training: p.phase === 'training' ? p.key : undefined,
          etaSeconds: p.etaSeconds,
        },
      });
      if (p.train) post({ type: 'progress', progress: p.train });
      if (p.done === p.total) post({ type: 'step', step: 'reporting' });
    },
    onEpoch: (fold, m) => post({ type: 'epoch', metrics: m, fold }),
  });
  return result === undefined;
}

let started = false;
const controller = new AbortController();

/** Today's signal of a finished run: its model on the newest dates of the data folder. */
async function signalTask(runDir: string, dataDir: string): Promise<void> {
  const { readRunConfigOf } = await import('../training/train/runs');
  const { selectBackend } = await import('../training/train/backend');
  const { todaysSignal } = await import('../training/train/signal');
  const backend = await selectBackend(readRunConfigOf(runDir).train.backend);
  post({ type: 'signal', signal: await todaysSignal(runDir, { dataDir, backend }) });
}

onParent((msg) => {
  if (msg.type === 'cancel') {
    controller.abort();
    return;
  }
  if (msg.type === 'signal' && !started) {
    started = true;
    void signalTask(msg.runDir, msg.dataDir)
      .catch((err) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }))
      .finally(() => setTimeout(() => process.exit(0), 200));
    return;
  }
  if (msg.type !== 'start' || started) return;
  started = true;
  const job = msg.job;
  const log = (line: string) => post({ type: 'log', line });
  void (async () => {
    try {
      if (!job.config === !job.resumeRunDir)
        throw new Error('a job needs either a config or a run folder to resume');
      const cancelled =
        job.kind === 'study'
          ? await studyJob(job, controller.signal, log)
          : await trainJob(job, controller.signal, log);
      post({ type: 'done', cancelled });
    } catch (err) {
      // the run job and the study job have set the folder's status already
      post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    } finally {
      // give the last message time to flush, then leave (tfjs may keep handles open)
      setTimeout(() => process.exit(0), 200);
    }
  })();
});
post({ type: 'ready' });
