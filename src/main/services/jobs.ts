/**
 * Training jobs: a queue run one at a time, each in its own worker process that this service starts and
 * supervises (progress, cancel, crash detection). State lives here, not in the renderer, so a reloaded window
 * simply asks for the list again. Plain Node: the process launcher is injected (utilityProcess in Electron,
 * child_process.fork in the web host).
 */
import { randomUUID } from 'node:crypto';
import type { AppStudyConfig, JobKind, JobState } from '../../shared/ipc-contract';
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
      createdAt: new Date().toISOString(),
      history: [],
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
      job.stage = 'cancelling';
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
    job.stage = 'starting worker';
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
        const cancelling = job.stage === 'cancelling';
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
    job.stage = status;
    this.changed(job);
  }

  private onMessage(job: JobState, msg: FromWorker): void {
    switch (msg.type) {
      case 'ready':
        return;
      case 'run':
        job.runId = msg.runId;
        job.runDir = msg.runDir;
        break;
      case 'progress':
        // the trainer's final 'done' event carries no speed: keep the last measured one on screen
        job.progress =
          msg.progress.samplesPerSecond > 0 || !job.progress
            ? msg.progress
            : { ...msg.progress, samplesPerSecond: job.progress.samplesPerSecond };
        job.backend = msg.progress.backend || job.backend;
        break;
      case 'epoch':
        job.history = [...job.history, msg.metrics];
        break;
      case 'stage':
        if (job.stage !== 'cancelling') job.stage = msg.stage;
        if (msg.fraction !== undefined) job.fraction = msg.fraction;
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
