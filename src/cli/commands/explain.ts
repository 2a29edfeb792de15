/** factor-inception explain: why did a run's model say what it said on one date (occlusion saliency as a PNG). */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { resolveDataDir } from '../../main/training/data/data-dir';
import { occlusionSaliency } from '../../main/training/eval/saliency';
import { loadDataset } from '../../main/training/images/dataset';
import { explainPng } from '../../main/training/images/explain-png';
import { modelInput } from '../../main/training/model/spec';
import { writeFileAtomic } from '../../main/training/train/atomic';
import { selectBackend, type BackendPreference } from '../../main/training/train/backend';
import { describeBackend } from '../../main/training/train/backend-info';
import { modelPredictor } from '../../main/training/train/image-predictor';
import { loadRunModel } from '../../main/training/train/model-io';
import { readRunConfigOf } from '../../main/training/train/runs';
import { CLASS_NAMES } from '../../shared/domain';
import { ConfigError } from '../../shared/errors';
import { parse } from '../args';

export const usage = `factor-inception explain --run <run dir> --date YYYY-MM-DD --out file.png [--data <dir>] [--class down|flat|up]
                         [--channel <code>] [--patch RxC] [--stride RxC] [--scale N] [--backend B] [--json]
  Occlusion saliency of the run's prediction on one date: each patch of the factor image is set to 0 (the
  factor's trailing mean) in every channel, and the fall in the class's probability is recorded. The PNG shows
  the channel's factor image (left) beside the saliency (right; red = raised the probability). Default class:
  the predicted one; default patch: about a 14th of each side, stride half of it. --json prints the matrix.`;

function pair(flag: string, v: string | undefined): [number, number] | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+)(?:x(\d+))?$/.exec(v);
  if (!m) throw new ConfigError(`--${flag}`, `must be R or RxC (whole numbers), got '${v}'`);
  return [Number(m[1]), Number(m[2] ?? m[1])];
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    run: { type: 'string' },
    date: { type: 'string' },
    out: { type: 'string' },
    data: { type: 'string' },
    class: { type: 'string' },
    channel: { type: 'string' },
    patch: { type: 'string' },
    stride: { type: 'string' },
    scale: { type: 'string' },
    backend: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help || !values.run || !values.date || !values.out) {
    console.log(usage);
    return values.help ? 0 : 2;
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(values.date))
    throw new ConfigError('--date', `must be YYYY-MM-DD, got '${values.date}'`);
  const runDir = path.resolve(values.run);
  const config = readRunConfigOf(runDir);
  if (modelInput(config.model.preset) !== 'image')
    throw new ConfigError(
      '--run',
      `${runDir} trained a '${config.model.preset}' model on last-bar vectors: there is no image to explain`,
    );
  const classIndex =
    values.class === undefined ? undefined : (CLASS_NAMES as readonly string[]).indexOf(values.class);
  if (classIndex === -1)
    throw new ConfigError('--class', `must be one of ${CLASS_NAMES.join(', ')}, got '${values.class}'`);
  const backend = await selectBackend((values.backend ?? config.train.backend) as BackendPreference);
  // images are causal, so dropping 'to' changes no earlier image and makes the newest (unlabeled) dates available
  const { dataset: ds } = loadDataset({ ...config.dataset, to: undefined }, resolveDataDir(values.data));
  const i = ds.dates.indexOf(values.date);
  if (i < 0)
    throw new ConfigError(
      '--date',
      `${values.date} is not a sample date of this run's dataset (${ds.dates[0]}..${ds.dates.at(-1)}; weekends, holidays and warm-up days have none)`,
    );
  const channelCode = values.channel ?? ds.config.target;
  const channel = ds.config.channels.indexOf(channelCode);
  if (channel < 0)
    throw new ConfigError(
      '--channel',
      `${channelCode} is not a channel of this run (${ds.config.channels.join(', ')})`,
    );
  const shape = ds.imageShape;
  const image = new Float32Array(shape[0] * shape[1] * shape[2]);
  ds.fillImage(i, image);
  const model = await loadRunModel(runDir);
  let map;
  try {
    map = occlusionSaliency(image, shape, modelPredictor(model, shape), {
      classIndex,
      patch: pair('patch', values.patch),
      stride: pair('stride', values.stride),
    });
  } finally {
    model.dispose();
  }
  const scale = values.scale
    ? Number(values.scale)
    : Math.max(1, Math.floor(448 / Math.max(shape[0], shape[1])));
  if (!(Number.isInteger(scale) && scale >= 1))
    throw new ConfigError('--scale', `must be a whole number >= 1, got '${values.scale}'`);
  const { png, saliencyScale } = explainPng(image, shape, channel, ds.config.clip, map, scale);
  const out = path.resolve(values.out);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileAtomic(out, png);
  const cls = CLASS_NAMES[map.classIndex];
  const label = ds.labels[i] >= 0 ? CLASS_NAMES[ds.labels[i]] : 'no label yet';
  if (values.json) {
    console.log(
      JSON.stringify({
        run: runDir,
        date: values.date,
        label,
        classes: CLASS_NAMES,
        probabilities: map.probabilities,
        explained: cls,
        patch: map.patch,
        stride: map.stride,
        height: map.height,
        width: map.width,
        values: Array.from(map.values),
        png: out,
      }),
    );
  } else {
    console.log(`run ${runDir} (backend ${describeBackend(backend)})`);
    console.log(
      `${values.date}: p(down, flat, up) = ${map.probabilities.map((p) => p.toFixed(3)).join(', ')}; label ${label}; explaining '${cls}'`,
    );
    console.log(
      `Wrote ${out}: left ${channelCode} factor image (${shape[0]} x ${shape[1]}, blue -${ds.config.clip} .. red +${ds.config.clip}), right occlusion saliency (patch ${map.patch.join('x')}, stride ${map.stride.join('x')}; red = raised p(${cls}), largest change ${saliencyScale.toFixed(4)})`,
    );
  }
  return 0;
}
