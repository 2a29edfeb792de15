/** The compute worker's tasks, by name: plain functions over the engine (also run in-process by tests). */
import type { ComputeTasks, TaskName } from '../worker/compute-protocol';
import { datasetFor, factorImage } from './images-service';
import { planPreview, timeEstimate } from './plan-service';
import { saliencyOf } from './saliency-service';

type Impl = {
  [T in TaskName]: (
    p: ComputeTasks[T]['params'],
  ) => ComputeTasks[T]['result'] | Promise<ComputeTasks[T]['result']>;
};

export const TASKS: Impl = {
  image: (p) => factorImage(p.dataDir, p.dataset, p.date, p.withDates ?? true, p.around ?? 0),
  prepare: (p) => ({ samples: datasetFor(p.dataDir, p.dataset).dates.length }),
  plan: (p) => planPreview(p.dataDir, p.kind, p.config),
  estimate: (p) => timeEstimate(p.dataDir, p.kind, p.config, p.busy),
  saliency: (p) => saliencyOf(p.dataDir, p.runsDir, p.runId, p.date),
};

export async function runTask<T extends TaskName>(
  task: T,
  params: ComputeTasks[T]['params'],
): Promise<ComputeTasks[T]['result']> {
  return (TASKS[task] as (p: unknown) => ComputeTasks[T]['result'] | Promise<ComputeTasks[T]['result']>)(
    params,
  );
}
