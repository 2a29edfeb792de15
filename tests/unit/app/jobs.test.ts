/** The job service: queue order, progress into job state, cancel (and kill when the worker ignores it), crashes. */
import { describe, expect, it, vi } from 'vitest';
import type { JobState } from '../../../src/shared/ipc-contract';
import { JobService, type WorkerHandle } from '../../../src/main/services/jobs';
import { defaultStudyConfig } from '../../../src/main/services/study-service';
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
    const j = svc.start('study', { resumeRunDir: '/runs/s1', name: 's1 (resumed)' });
    expect(j.name).toBe('s1 (resumed)');
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
