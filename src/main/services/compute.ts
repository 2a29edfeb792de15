/**
 * The compute service: datasets, plans, estimates and saliency maps are computed in worker processes that main
 * starts and supervises (Electron's utilityProcess, a Node child process in the web host), so a dataset build
 * never blocks the main process that answers the window. Three lanes, each its own process started on first
 * use: 'interactive' (the factor image of a date) never waits behind 'planning' (a study plan) or 'model' (a
 * speed measurement, a saliency map: the two that load tfjs).
 * In each lane a newer request for the same slot replaces one still waiting: only the latest image or plan
 * matters, so a dragged slider costs one build, not one per step. Plain Node: the launcher is injected.
 */
import type { ComputeTasks, FromCompute, TaskName, ToCompute } from '../worker/compute-protocol';

/** A started compute worker, whatever launched it. */
export interface ComputeHandle {
  send(msg: ToCompute): void;
  onMessage(cb: (msg: FromCompute) => void): void;
  onExit(cb: (code: number | null) => void): void;
  kill(): void;
}

export interface ComputeService {
  /** Runs a task; `slot` (default: the task's name) names what a newer request replaces. */
  run<T extends TaskName>(
    task: T,
    params: ComputeTasks[T]['params'],
    slot?: string,
  ): Promise<ComputeTasks[T]['result']>;
  close(): void;
}

/** The message of a request a newer one replaced before it ran (the window ignores its answer). */
export const SUPERSEDED = 'Superseded by a newer request.';

type Lane = 'interactive' | 'planning' | 'model';
const LANE_OF: Record<TaskName, Lane> = {
  image: 'interactive',
  prepare: 'interactive',
  plan: 'planning',
  // the two that load tfjs and a model: seconds each, so they wait behind neither images nor plans
  estimate: 'model',
  saliency: 'model',
};

interface Pending {
  id: number;
  slot: string;
  task: TaskName;
  params: unknown;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

class WorkerLane {
  private worker?: ComputeHandle;
  private inflight?: Pending;
  private readonly queue: Pending[] = [];
  private closed = false;

  constructor(private readonly spawn: () => ComputeHandle) {}

  push(p: Pending): void {
    const i = this.queue.findIndex((q) => q.slot === p.slot);
    if (i >= 0) this.queue.splice(i, 1)[0].reject(new Error(SUPERSEDED));
    this.queue.push(p);
    this.pump();
  }

  private ensure(): ComputeHandle {
    if (this.worker) return this.worker;
    const w = this.spawn();
    w.onMessage((msg) => {
      if (msg.type !== 'result' || msg.id !== this.inflight?.id) return;
      const p = this.inflight;
      this.inflight = undefined;
      if (msg.ok) p.resolve(msg.value);
      else p.reject(new Error(msg.error));
      this.pump();
    });
    w.onExit((code) => {
      if (this.worker === w) this.worker = undefined;
      const p = this.inflight;
      this.inflight = undefined;
      p?.reject(
        new Error(
          `The compute process stopped (exit code ${code ?? 'signal'}) while working on ${p.task}; try again.`,
        ),
      );
      if (!this.closed) this.pump();
    });
    this.worker = w;
    return w;
  }

  private pump(): void {
    if (this.closed || this.inflight || this.queue.length === 0) return;
    const p = this.queue.shift()!;
    let w: ComputeHandle;
    try {
      w = this.ensure();
    } catch (err) {
      p.reject(new Error(`Could not start the compute process: ${err instanceof Error ? err.message : err}`));
      return this.pump();
    }
    this.inflight = p;
    w.send({ type: 'task', id: p.id, task: p.task, params: p.params });
  }

  close(): void {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new Error('The app is closing.'));
    this.worker?.kill();
    this.worker = undefined;
  }
}

/** Compute in worker processes (started on first use, restarted after a crash). */
export function workerCompute(spawn: () => ComputeHandle): ComputeService {
  const lanes: Record<Lane, WorkerLane> = {
    interactive: new WorkerLane(spawn),
    planning: new WorkerLane(spawn),
    model: new WorkerLane(spawn),
  };
  let seq = 0;
  return {
    run: (task, params, slot) =>
      new Promise((resolve, reject) =>
        lanes[LANE_OF[task]].push({
          id: ++seq,
          slot: slot ?? task,
          task,
          params,
          resolve: resolve as (v: unknown) => void,
          reject,
        }),
      ),
    close: () => Object.values(lanes).forEach((l) => l.close()),
  };
}

/** The same tasks in this process (tests, and hosts that start no worker). */
export function inProcessCompute(): ComputeService {
  return {
    run: async (task, params) => (await import('./compute-tasks')).runTask(task, params),
    close: () => {},
  };
}
