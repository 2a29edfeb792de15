/** The job service: queue order, progress into job state, cancel (and kill when the worker ignores it), crashes. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { JobState } from '../../../src/shared/ipc-contract';
import { JobService, jobFraction, type WorkerHandle } from '../../../src/main/services/jobs';
import { defaultStudyConfig } from '../../../src/main/services/study-service';
import { writeStudyEpochs } from '../../../src/main/training/train/runs';
import type { FromWorker, ToWorker } from '../../../src/main/worker/protocol';

class FakeWorker implements WorkerHandle {
  received: ToWorker[] = [];
  killed = false;
  private msg?: (m: FromWorker) => void;
  private exit?: (code: number | null) => void;
  send(m: ToWorker) {
    this.received.push(m);
  }
  onMessage(cb: (m: FromWorker) => void) {
    this.msg = cb;
  }
  onExit(cb: (code: number | null) => void) {
    this.exit = cb;
  }
  kill() {
    this.killed = true;
    this.exit?.(null);
  }
  emit(m: FromWorker) {
    this.msg?.(m);
  }
  end(code: number | null) {
    this.exit?.(code);
  }
}

function setup(grace = 20) {
  const workers: FakeWorker[] = [];
  const events: JobState[] = [];
  const svc = new JobService({
    spawn: () => {
      const w = new FakeWorker();
      workers.push(w);
      return w;
    },
    dataDir: () => '/data',
    runsDir: () => '/runs',
    onChange: (j) => events.push(j),
    cancelGraceMs: grace,
  });
  return { svc, workers, events };
}
const cfg = (name: string) => ({ config: { ...defaultStudyConfig(), name } });

describe('JobService', () => {
  it('runs queued jobs one at a time in order, each in a fresh worker', () => {
    const { svc, workers } = setup();
    const a = svc.start('train', cfg('a'));
    const b = svc.start('train', cfg('b'));
    expect(workers).toHaveLength(1);
    expect(svc.list().map((j) => j.status)).toEqual(['running', 'queued']);
    expect(workers[0].received[0]).toMatchObject({
      type: 'start',
      job: { kind: 'train', dataDir: '/data', runsDir: '/runs', config: { name: 'a' } },
    });
    workers[0].emit({ type: 'done', cancelled: false });
    workers[0].end(0);
    expect(workers).toHaveLength(2);
    expect(svc.list().find((j) => j.id === a.id)!.status).toBe('done');
    expect(svc.list().find((j) => j.id === b.id)!.status).toBe('running');
  });

  it('folds worker messages into the job state and reports every change', () => {
    const { svc, workers, events } = setup();
    const j = svc.start('train', cfg('p'));
    const w = workers[0];
    w.emit({ type: 'run', runId: 'r1', runDir: '/runs/r1' });
    w.emit({
      type: 'progress',
      progress: {
        epoch: 1,
        epochs: 2,
        batch: 3,
        batches: 8,
        loss: 1.1,
        accuracy: 0.4,
        samplesPerSecond: 120,
        etaSeconds: 5,
        backend: 'wasm',
        phase: 'train',
      },
    });
    w.emit({
      type: 'epoch',
      metrics: { epoch: 1, loss: 1.05, accuracy: 0.41, learningRate: 0.001, seconds: 2 },
    });
    w.emit({ type: 'log', line: 'hello' });
    const s = svc.list()[0];
    expect(s).toMatchObject({ id: j.id, runId: 'r1', backend: 'wasm', log: ['hello'] });
    expect(s.progress!.batch).toBe(3);
    expect(s.history.map((h) => h.loss)).toEqual([1.05]);
    expect(events.length).toBeGreaterThanOrEqual(5);
    // state handed out is a copy: the renderer cannot mutate main's jobs
    s.status = 'failed';
    expect(svc.list()[0].status).toBe('running');
  });

  it("keeps a study's counts as the worker sends them: folds done of total, the fold's epochs, one step", () => {
    const { svc, workers } = setup();
    svc.start('study', cfg('s'));
    const w = workers[0];
    const tp = (epoch: number, batch: number, phase: 'train' | 'done' = 'train') => ({
      epoch,
      epochs: 3,
      batch,
      batches: 4,
      loss: 1.1,
      accuracy: 0.4,
      samplesPerSecond: phase === 'done' ? 0 : 150,
      etaSeconds: 3,
      backend: 'wasm',
      phase,
    });
    w.emit({ type: 'history', history: [] });
    w.emit({ type: 'step', step: 'dataset' });
    expect(svc.list()[0].step).toBe('dataset');
    // fold 2 of 4 in training: 1 done, its epoch 2 half way
    w.emit({ type: 'study', study: { done: 1, total: 4, cached: 1, training: 'c_s1_f001', etaSeconds: 30 } });
    w.emit({ type: 'progress', progress: tp(2, 2) });
    let j = svc.list()[0];
    expect(j.step).toBe('training');
    expect(j.study).toMatchObject({ done: 1, total: 4, training: 'c_s1_f001' });
    // (1 fold + 1.5 of 3 epochs) / 4 folds
    expect(j.fraction).toBeCloseTo((1 + 1.5 / 3) / 4, 12);
    expect(j.progress!.samplesPerSecond).toBe(150);
    // the trainer's last event of a fold has no speed: the last measured one stays
    w.emit({ type: 'progress', progress: tp(3, 4, 'done') });
    expect(svc.list()[0].progress).toMatchObject({ epoch: 3, samplesPerSecond: 150 });
    w.emit({
      type: 'epoch',
      metrics: { epoch: 1, loss: 1, accuracy: 0.3, learningRate: 1e-3, seconds: 1 },
      fold: 'f',
    });
    w.emit({
      type: 'epoch',
      metrics: { epoch: 2, loss: 0.9, accuracy: 0.3, learningRate: 1e-3, seconds: 1 },
      fold: 'f',
    });
    // the fold retrained from its first epoch replaces its earlier epochs
    w.emit({
      type: 'epoch',
      metrics: { epoch: 1, loss: 0.8, accuracy: 0.3, learningRate: 1e-3, seconds: 1 },
      fold: 'f',
    });
    expect(svc.list()[0].history.map((h) => [h.fold, h.epoch, h.loss])).toEqual([['f', 1, 0.8]]);
    w.emit({ type: 'study', study: { done: 4, total: 4, cached: 1, etaSeconds: 0 } });
    w.emit({ type: 'step', step: 'reporting' });
    w.emit({ type: 'done', cancelled: false });
    j = svc.list()[0];
    // once ended the status says it all: no step beside it
    expect(j).toMatchObject({ status: 'done', fraction: 1, study: { done: 4, total: 4 } });
    expect(j.step).toBeUndefined();
  });

  it('starts a resumed job with the epochs already in its folder', () => {
    const { svc, workers } = setup();
    const j = svc.start('train', { resumeRunDir: '/runs/r', name: 'r' });
    expect(j.resumed).toBe(true);
    const h = [1, 2].map((epoch) => ({ epoch, loss: 1, accuracy: 0.3, learningRate: 1e-3, seconds: 1 }));
    workers[0].emit({ type: 'history', history: h });
    expect(svc.list()[0].history).toEqual(h);
  });

  it("lists a resumed study with its folder's epochs before its worker has sent anything", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fi-jobs-'));
    try {
      const epochs = [1, 2, 1].map((epoch, i) => ({
        epoch,
        loss: 1.1 - i / 10,
        accuracy: 0.3,
        learningRate: 1e-3,
        seconds: 1,
        fold: i < 2 ? 'c_s1_f001' : 'c_s1_f002',
      }));
      writeStudyEpochs(dir, epochs);
      const { svc, workers } = setup();
      const j = svc.start('study', { resumeRunDir: dir, name: 's' });
      expect(workers).toHaveLength(1);
      expect(workers[0].received).toHaveLength(1); // the start message only: nothing came back yet
      expect(j.history).toEqual(epochs);
      expect(svc.list()[0].history).toEqual(epochs);
      // a run folder's metrics.jsonl is read for a run; a new job starts empty
      expect(svc.start('train', { resumeRunDir: dir, name: 'r' }).history).toEqual([]);
      expect(svc.start('study', cfg('new')).history).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fractions: a run by epochs and batches, a study by fold trainings', () => {
    const p = {
      epoch: 2,
      epochs: 4,
      batch: 5,
      batches: 10,
      loss: 1,
      accuracy: 0,
      samplesPerSecond: 1,
      etaSeconds: 1,
      backend: 'cpu',
      phase: 'train' as const,
    };
    expect(jobFraction({ kind: 'train', status: 'running', progress: p })).toBeCloseTo(1.5 / 4, 12);
    expect(
      jobFraction({
        kind: 'study',
        status: 'running',
        progress: p,
        study: { done: 2, total: 8, cached: 0, etaSeconds: 1 },
      }),
    ).toBe(2 / 8);
    expect(
      jobFraction({
        kind: 'study',
        status: 'running',
        progress: p,
        study: { done: 2, total: 8, cached: 0, training: 'k', etaSeconds: 1 },
      }),
    ).toBeCloseTo((2 + 1.5 / 4) / 8, 12);
    expect(jobFraction({ kind: 'study', status: 'done' })).toBe(1);
  });

  it('clears the ended jobs and keeps the running and queued ones', () => {
    const { svc, workers } = setup();
    const a = svc.start('train', cfg('a'));
    svc.start('train', cfg('b'));
    const c = svc.start('train', cfg('c'));
    svc.cancel(c.id);
    workers[0].emit({ type: 'error', message: 'boom' });
    workers[0].end(0);
    // a failed, b running, c cancelled
    expect(svc.list().map((j) => j.status)).toEqual(['failed', 'running', 'cancelled']);
    expect(svc.clearFinished().map((j) => j.name)).toEqual(['b']);
    expect(() => svc.remove(a.id)).toThrow(/No training job/);
  });

  it("computes today's signal in a worker of its own, outside the queue, and reports its failure", async () => {
    const { svc, workers } = setup();
    svc.start('study', cfg('long'));
    const p = svc.signal('/runs/r1');
    expect(workers).toHaveLength(2);
    expect(workers[1].received).toEqual([{ type: 'signal', runDir: '/runs/r1', dataDir: '/data' }]);
    const signal = { runId: 'r1' } as unknown as import('../../../src/shared/ipc-contract').SignalDto;
    workers[1].emit({ type: 'signal', signal });
    await expect(p).resolves.toBe(signal);
    const q = svc.signal('/runs/r2');
    workers[2].emit({ type: 'error', message: 'r2 has no model' });
    await expect(q).rejects.toThrow('r2 has no model');
    const r = svc.signal('/runs/r3');
    workers[3].end(1);
    await expect(r).rejects.toThrow(/stopped unexpectedly \(exit code 1\)/);
    // the study kept running in its own worker
    expect(svc.list()[0].status).toBe('running');
  });

  it('detects a crashed worker and says how to continue', () => {
    const { svc, workers } = setup();
    svc.start('train', cfg('c'));
    workers[0].end(134);
    const s = svc.list()[0];
    expect(s.status).toBe('failed');
    expect(s.error).toMatch(/stopped unexpectedly \(exit code 134\); resume the run/);
  });

  it('cancels by message, and kills a worker that does not stop within the grace period', () => {
    vi.useFakeTimers();
    try {
      const { svc, workers } = setup(1000);
      const j = svc.start('train', cfg('k'));
      svc.cancel(j.id);
      expect(workers[0].received.at(-1)).toEqual({ type: 'cancel' });
      // still within the grace period: the worker may yet stop by itself
      vi.advanceTimersByTime(999);
      expect(workers[0].killed).toBe(false);
      expect(svc.list()[0].status).toBe('running');
      vi.advanceTimersByTime(1);
      expect(workers[0].killed).toBe(true);
      expect(svc.list()[0].status).toBe('cancelled');
    } finally {
      vi.useRealTimers();
    }
  });

  it('a resumed job names the folder it continues and sends it to the worker', () => {
    const { svc, workers } = setup();
    const j = svc.start('study', { resumeRunDir: '/runs/s1', name: 's1' });
    expect(j).toMatchObject({ name: 's1', resumed: true });
    expect(workers[0].received[0]).toEqual({
      type: 'start',
      job: { kind: 'study', config: undefined, dataDir: '/data', runsDir: '/runs', resumeRunDir: '/runs/s1' },
    });
  });

  it('a cooperative cancel ends as cancelled without a kill; queued jobs are dropped; removal needs a stopped job', () => {
    const { svc, workers } = setup(10_000);
    const a = svc.start('train', cfg('a'));
    const b = svc.start('train', cfg('b'));
    expect(() => svc.remove(a.id)).toThrow(/cancel it first/);
    svc.cancel(b.id);
    expect(svc.list()[1].status).toBe('cancelled');
    svc.cancel(a.id);
    workers[0].emit({ type: 'done', cancelled: true });
    workers[0].end(0);
    expect(workers[0].killed).toBe(false);
    expect(svc.list().map((j) => j.status)).toEqual(['cancelled', 'cancelled']);
    expect(workers).toHaveLength(1);
    expect(svc.remove(a.id).map((j) => j.id)).toEqual([b.id]);
    expect(() => svc.cancel('nope')).toThrow(/No training job with id nope/);
  });
});
