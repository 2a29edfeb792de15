/** factor-inception image: one factor image as a PNG heatmap. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { resolveDataDir } from '../../main/training/data/data-dir';
import { loadDataset } from '../../main/training/images/dataset';
import { heatmapPng } from '../../main/training/images/png';
import { num, parse } from '../args';
import { DATASET_FLAGS, datasetConfigFromFlags } from '../dataset-flags';

export const usage =
  'factor-inception image --data <dir> --date YYYY-MM-DD [--channel 000300] [--channels a,b,..] [--scale N] --out file.png';

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    ...DATASET_FLAGS,
    date: { type: 'string' },
    channel: { type: 'string' },
    out: { type: 'string' },
    scale: { type: 'string' },
  });
  if (!values.date) throw new Error('--date YYYY-MM-DD is required');
  if (!values.out) throw new Error('--out file.png is required');
  const partial = datasetConfigFromFlags(values);
  const channel = values.channel ?? partial.target!;
  if (!partial.channels!.includes(channel)) partial.channels = [...partial.channels!, channel];
  // only the chosen date's window is needed: restrict the sample range to it
  partial.from = values.date;
  partial.to = values.date;
  const { dataset: ds } = loadDataset(partial, resolveDataDir(values.data));
  if (ds.dates.length === 0) {
    const why = ds.dropped.map((d) => d.reason).join('; ') || 'not a trading day in the data';
    throw new Error(`no factor image for ${values.date}: ${why}`);
  }
  const img = new Float32Array(ds.imageShape[0] * ds.imageShape[1] * ds.imageShape[2]);
  ds.fillImage(0, img);
  const [h, w] = ds.imageShape;
  const scale = num('scale', values.scale, Math.max(1, Math.floor(448 / Math.max(h, w))));
  const png = heatmapPng(img, ds.imageShape, ds.config.channels.indexOf(channel), ds.config.clip, scale);
  const out = path.resolve(values.out);
  mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  writeFileSync(tmp, png);
  renameSync(tmp, out);
  console.log(
    `Wrote ${out}: ${channel} on ${values.date}, ${h} x ${w} values (${ds.config.layout}), ${scale}x scale, blue = -${ds.config.clip} ... red = +${ds.config.clip} (z-score)`,
  );
  return 0;
}
