/**
 * Why did a finished run's model say what it said on one date: the engine's occlusion saliency
 * (eval/saliency.ts) of that date's prediction, for the Factor images view to draw over the image. The image is
 * built from the run's own dataset configuration over the app's data folder (to dropped, as `explain` does:
 * images are causal, so later bars change no earlier image). Plain Node; runs in the compute worker, where the
 * run's model stays loaded for the next date.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ExplainableRun, SaliencyDto } from '../../shared/ipc-contract';
import { modelInput } from '../../shared/model';
import { readRunConfigOf } from '../training/train/runs';
import { listRunSummaries, runDirOf } from './runs-service';
import { datasetFor, sampleAtOrBefore } from './images-service';

/** Finished training runs of an image model whose weights are saved (model.json), newest first. */
export function explainableRuns(runsDir: string): ExplainableRun[] {
  const out: ExplainableRun[] = [];
  for (const r of listRunSummaries(runsDir)) {
    if (r.kind !== 'train' || r.status !== 'finished' || !existsSync(path.join(r.dir, 'model.json')))
      continue;
    try {
      const c = readRunConfigOf(r.dir);
      if (modelInput(c.model.preset) !== 'image') continue;
      out.push({
        id: r.id,
        name: r.name,
        createdAt: r.createdAt,
        dataset: c.dataset,
        preset: c.model.preset,
      });
    } catch {
      // a folder whose config cannot be read is listed (with the reason) by the Runs view, not here
    }
  }
  return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

type Loaded = {
  dir: string;
  model: import('../training/train/tf').tf.LayersModel;
};
let loaded: Loaded | undefined;

/** Occlusion saliency of run `runId`'s prediction on the sample at or before `date` (default patch and stride). */
export async function saliencyOf(
  dataDir: string,
  runsDir: string,
  runId: string,
  date: string,
): Promise<SaliencyDto> {
  const dir = runDirOf(runsDir, runId);
  const config = readRunConfigOf(dir);
  if (modelInput(config.model.preset) !== 'image')
    throw new Error(
      `Run ${runId} trained a '${config.model.preset}' model on last-bar vectors: it has no image to explain.`,
    );
  const ds = datasetFor(dataDir, { ...config.dataset, to: undefined });
  if (ds.dates.length === 0) throw new Error(`Run ${runId}'s dataset has no samples in the data folder.`);
  const i = sampleAtOrBefore(ds.dates, date);
  const shape = ds.imageShape;
  const image = new Float32Array(shape[0] * shape[1] * shape[2]);
  ds.fillImage(i, image);
  const { selectBackend } = await import('../training/train/backend');
  const { loadRunModel } = await import('../training/train/model-io');
  const { modelPredictor } = await import('../training/train/image-predictor');
  const { occlusionSaliency } = await import('../training/eval/saliency');
  await selectBackend(config.train.backend);
  if (loaded?.dir !== dir) {
    loaded?.model.dispose();
    loaded = { dir, model: await loadRunModel(dir) };
  }
  const map = occlusionSaliency(image, shape, modelPredictor(loaded.model, shape));
  return {
    runId,
    date: ds.dates[i],
    height: map.height,
    width: map.width,
    values: Array.from(map.values, (v) => Math.round(v * 1e6) / 1e6),
    classIndex: map.classIndex,
    probabilities: map.probabilities,
    patch: map.patch,
    stride: map.stride,
    dataset: ds.config,
  };
}
