/**
 * Training jobs: a queue run one at a time, each in its own worker process that this service starts and
 * supervises (progress, cancel, crash detection). State lives here, not in the renderer, so a reloaded window
 * simply asks for the list again. Plain Node: the process launcher is injected (utilityProcess in Electron,
 * child_process.fork in the web host).
 */
import { randomUUID } from 'node:crypto';
import type { AppStudyConfig, JobEpoch, JobKind, JobState, SignalDto } from '../../shared/ipc-contract';
import { withEpoch } from '../../shared/training';
import { readMetrics, readStudyEpochs } from '../training/train/runs';
import type { FromWorker, ToWorker, WorkerJob } from '../worker/protocol';
import { rememberRun, type SettingsAccess } from './settings-file';

/** A started worker process, whatever launched it. */
export interface WorkerHandle {
  send(msg: ToWorker): void;
  onMessage(cb: (msg: FromWorker) => void): void;
  /** Called once when the process ends, with its exit code (null when killed by a signal). */
  onExit(cb: (code: number | null) => void): void;
  kill(): void;
}

export interface JobServiceOptions {
  spawn: () => WorkerHandle;
  dataDir: () => string;
  runsDir: () => string;
  onChange: (job: JobState) => void;
  /** Milliseconds a cancelled worker gets to stop by itself before it is killed. */
  cancelGraceMs?: number;
}

const LOG_LINES = 200;

export class JobService {
  private readonly jobs: JobState[] = [];
  private readonly requests = new Map<string, WorkerJob>();
  private current?: { id: string; worker: WorkerHandle; finished: boolean; killTimer?: NodeJS.Timeout };

  constructor(private readonly opts: JobServiceOptions) {}

  list(): JobState[] {
    return this.jobs.map((j) => ({ ...j }));
  }

  /** True while a job is running or waiting. */
  busy(): boolean {
    return this.jobs.some((j) => j.status === 'running' || j.status === 'queued');
  }

  /** Adds a job to the queue (a new one from a setup, or a run or study folder to continue) and starts it when nothing else runs. */
  start(kind: JobKind, from: { config: AppStudyConfig } | { resumeRunDir: string; name: string }): JobState {
    const config = 'config' in from ? from.config : undefined;
    const resumeRunDir = 'resumeRunDir' in from ? from.resumeRunDir : undefined;
    const job: JobState = {
      id: randomUUID().slice(0, 8),
      kind,
      name: config?.name ?? (from as { name: string }).name,
      status: 'queued',
      ...(resumeRunDir ? { resumed: true } : {}),
      createdAt: new Date().toISOString(),
      // a resumed job's chart starts with the epochs trained before from the moment it is listed, not only once
      // its worker has started and sent them (the window would show an empty chart in between)
      history: resumeRunDir ? epochsIn(kind, resumeRunDir) : [],
      log: [],
    };
    this.jobs.push(job);
    this.requests.set(job.id, {
      kind,
      config,
      dataDir: this.opts.dataDir(),
      runsDir: this.opts.runsDir(),
      resumeRunDir,
    });
    this.changed(job);
    this.pump();
    return { ...job };
  }

  /** Cancels a running job (the worker stops after the current batch) or drops a queued one. */
  cancel(id: string): JobState {
    const job = this.find(id);
    if (job.status === 'queued') {
      job.status = 'cancelled';
      job.endedAt = new Date().toISOString();
      this.changed(job);
    } else if (job.status === 'running' && this.current?.id === id) {
      const cur = this.current;
      cur.worker.send({ type: 'cancel' });
      job.step = 'cancelling';
      this.changed(job);
      cur.killTimer = setTimeout(() => {
        if (!cur.finished) cur.worker.kill();
      }, this.opts.cancelGraceMs ?? 15_000);
    } else {
      throw new Error(`Job ${id} is ${job.status}; only queued or running jobs can be cancelled.`);
    }
    return { ...job };
  }

  /** Removes a finished or queued job from the list. */
  remove(id: string): JobState[] {
    const job = this.find(id);
    if (job.status === 'running') throw new Error(`Job ${id} is running: cancel it first.`);
    this.jobs.splice(this.jobs.indexOf(job), 1);
    this.requests.delete(id);
    return this.list();
  }

  /** Removes every job that has ended (done, failed, cancelled) from the list; their folders stay. */
  clearFinished(): JobState[] {
    for (const j of this.jobs.filter((x) => x.status !== 'running' && x.status !== 'queued')) {
      this.jobs.splice(this.jobs.indexOf(j), 1);
      this.requests.delete(j.id);
    }
    return this.list();
  }

  /**
   * Today's signal of a finished run, computed in a worker of its own outside the queue (a study may be
   * training for hours; a prediction takes seconds), on the current data folder.
   */
  signal(runDir: string, timeoutMs = 180_000): Promise<SignalDto> {
    const worker = this.opts.spawn();
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (f: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        f();
      };
      const timer = setTimeout(() => {
        settle(() => reject(new Error(`Today's signal took longer than ${timeoutMs / 1000} s; try again.`)));
        worker.kill();
      }, timeoutMs);
      worker.onMessage((m) => {
        if (m.type === 'signal') settle(() => resolve(m.signal));
        else if (m.type === 'error') settle(() => reject(new Error(m.message)));
      });
      worker.onExit((code) =>
        settle(() =>
          reject(new Error(`The prediction process stopped unexpectedly (exit code ${code ?? 'signal'}).`)),
        ),
      );
      worker.send({ type: 'signal', runDir, dataDir: this.opts.dataDir() });
    });
  }

  /** Cancels everything (window closed with "cancel training"). */
  cancelAll(): void {
    for (const j of this.jobs) if (j.status === 'queued' || j.status === 'running') this.cancel(j.id);
  }

  private find(id: string): JobState {
    const job = this.jobs.find((j) => j.id === id);
    if (!job) throw new Error(`No training job with id ${id} (it may have been removed).`);
    return job;
  }

  private changed(job: JobState): void {
    this.opts.onChange({ ...job });
  }

  private pump(): void {
    if (this.current) return;
    const job = this.jobs.find((j) => j.status === 'queued');
    if (!job) return;
    const request = this.requests.get(job.id)!;
    job.status = 'running';
    job.startedAt = new Date().toISOString();
    job.step = 'starting';
    let worker: WorkerHandle;
    try {
      worker = this.opts.spawn();
    } catch (err) {
      this.finish(
        job,
        'failed',
        `Could not start the training process: ${err instanceof Error ? err.message : err}`,
      );
      return;
    }
    const cur = { id: job.id, worker, finished: false } as NonNullable<JobService['current']>;
    this.current = cur;
    this.changed(job);
    worker.onMessage((msg) => this.onMessage(job, msg));
    worker.onExit((code) => {
      if (cur.killTimer) clearTimeout(cur.killTimer);
      if (!cur.finished) {
        const cancelling = job.step === 'cancelling';
        this.finish(
          job,
          cancelling ? 'cancelled' : 'failed',
          cancelling
            ? undefined
            : `The training process stopped unexpectedly (exit code ${code ?? 'signal'}); resume the run to continue from its last checkpoint.`,
        );
      }
      this.current = undefined;
      this.pump();
    });
    worker.send({ type: 'start', job: request });
  }

  private finish(job: JobState, status: JobState['status'], error?: string): void {
    if (this.current?.id === job.id) this.current.finished = true;
    job.status = status;
    job.endedAt = new Date().toISOString();
    if (error) job.error = error;
    // the status says it all once a job has ended
    job.step = undefined;
    if (status === 'done') job.fraction = 1;
    this.changed(job);
  }

  /** A step unless the job is being cancelled (that one stays until the worker has stopped). */
  private setStep(job: JobState, step: NonNullable<JobState['step']>): void {
    if (job.step !== 'cancelling') job.step = step;
  }

  private onMessage(job: JobState, msg: FromWorker): void {
    switch (msg.type) {
      case 'ready':
        return;
      case 'run':
        job.runId = msg.runId;
        job.runDir = msg.runDir;
        break;
      case 'history':
        job.history = msg.history;
        break;
      case 'progress':
        // the trainer's final 'done' event carries no speed: keep the last measured one on screen
        job.progress =
          msg.progress.samplesPerSecond > 0 || !job.progress
            ? msg.progress
            : { ...msg.progress, samplesPerSecond: job.progress.samplesPerSecond };
        job.backend = msg.progress.backend || job.backend;
        if (msg.progress.phase !== 'done') this.setStep(job, 'training');
        job.fraction = jobFraction(job);
        break;
      case 'epoch':
        job.history = withEpoch(job.history, { ...msg.metrics, fold: msg.fold });
        break;
      case 'study':
        job.study = msg.study;
        if (msg.study.done < msg.study.total && (job.step === 'starting' || job.step === 'dataset'))
          this.setStep(job, 'training');
        job.fraction = jobFraction(job);
        break;
      case 'step':
        this.setStep(job, msg.step);
        break;
      case 'backend':
        job.backend = msg.name;
        break;
      case 'log':
        job.log = [...job.log, msg.line].slice(-LOG_LINES);
        break;
      case 'done':
        this.finish(job, msg.cancelled ? 'cancelled' : 'done');
        return;
      case 'error':
        this.finish(job, 'failed', msg.message);
        return;
    }
    this.changed(job);
  }
}

/**
 * 0..1 of a job: a run's epochs and batches; a study's fold trainings, the one in progress by its epochs and
 * batches. Pure.
 */
export function jobFraction(job: Pick<JobState, 'kind' | 'status' | 'progress' | 'study'>): number {
  if (job.status === 'done') return 1;
  const p = job.progress;
  const inTraining = p && p.epochs > 0 ? (p.epoch - 1 + (p.batches ? p.batch / p.batches : 0)) / p.epochs : 0;
  if (job.kind === 'train') return Math.min(1, Math.max(0, inTraining));
  const s = job.study;
  if (!s || s.total <= 0) return 0;
  return Math.min(1, (s.done + (s.training ? inTraining : 0)) / s.total);
}

/**
 * The job service of a host (Electron main, the web host): folders from the settings, and every change sent
 * to the windows as 'training.onJob'; a finished run goes to the front of the recent runs.
 */
export function appJobService(
  spawn: () => WorkerHandle,
  settings: SettingsAccess,
  emit: (event: 'training.onJob', job: JobState) => void,
): JobService {
  return new JobService({
    spawn,
    dataDir: () => settings.get().dataDir,
    runsDir: () => settings.get().runsDir,
    onChange: (job) => {
      if (job.status === 'done' && job.runId) rememberRun(settings, job.runId);
      emit('training.onJob', job);
    },
  });
}

/** The epochs a run or study folder already holds; [] when they cannot be read (its worker then says why). */
function epochsIn(kind: JobKind, dir: string): JobEpoch[] {
  try {
    return kind === 'study' ? readStudyEpochs(dir) : readMetrics(dir);
  } catch {
    return [];
  }
}
