/**
 * Occlusion saliency of one prediction (Zeiler & Fergus 2014, "Visualizing and understanding convolutional
 * networks", ECCV, section 4.2): slide a patch over the factor image, set the values under it to a baseline
 * (0 = a factor at its trailing-window mean, since factors are z-scores), and record how much the probability
 * of the explained class falls. A pixel's saliency is the mean fall over the patches that cover it: positive
 * where the image's values there pushed the model towards the class, negative where they pushed away.
 */
import { NUM_CLASSES } from './metrics';
import type { ImagePredictor } from './predictor';

export interface SaliencyOptions {
  /** Patch size [rows, columns] (default: about a 14th of each side, at least 1). */
  patch?: [number, number];
  /** Step between patches [rows, columns] (default: half the patch, at least 1). */
  stride?: [number, number];
  /** Class to explain (default: the predicted class). */
  classIndex?: number;
  /** Value written under the patch (default 0). */
  baseline?: number;
  /** Image channels occluded together (default: all). */
  channels?: number[];
  /** Occluded images per predictor call (default 64). */
  batchSize?: number;
}

/** A saliency matrix the app can draw over the heatmap and 3-D views: values[row * width + column]. */
export interface SaliencyMap {
  height: number;
  width: number;
  values: Float32Array;
  classIndex: number;
  /** Probabilities of the intact image. */
  probabilities: number[];
  patch: [number, number];
  stride: [number, number];
  channels: number[];
}

/** Patch origins along one axis: every stride, plus one flush with the end so the last rows are covered. */
function origins(size: number, patch: number, stride: number): number[] {
  const out: number[] = [];
  for (let s = 0; s + patch <= size; s += stride) out.push(s);
  if (out.length === 0 || out[out.length - 1] + patch < size) out.push(Math.max(0, size - patch));
  return out;
}

/** Occlusion saliency of `image` (HWC, `shape` [height, width, channels]) under `predict`. */
export function occlusionSaliency(
  image: Float32Array,
  shape: [number, number, number],
  predict: ImagePredictor,
  opts: SaliencyOptions = {},
): SaliencyMap {
  const [h, w, c] = shape;
  const size = h * w * c;
  if (image.length < size) throw new RangeError(`image has ${image.length} values, shape needs ${size}`);
  const patch: [number, number] = opts.patch ?? [
    Math.max(1, Math.round(h / 14)),
    Math.max(1, Math.round(w / 14)),
  ];
  const stride: [number, number] = opts.stride ?? [
    Math.max(1, Math.floor(patch[0] / 2)),
    Math.max(1, Math.floor(patch[1] / 2)),
  ];
  if (patch.some((p, i) => !(Number.isInteger(p) && p >= 1 && p <= shape[i])))
    throw new RangeError(`patch ${patch.join('x')} must be whole numbers within the image ${h}x${w}`);
  if (stride.some((s) => !(Number.isInteger(s) && s >= 1)))
    throw new RangeError(`stride ${stride.join('x')} must be >= 1`);
  const channels = opts.channels ?? Array.from({ length: c }, (_, i) => i);
  const baseline = opts.baseline ?? 0;
  const batch = opts.batchSize ?? 64;
  const p0 = predict(image.subarray(0, size), 1);
  const probabilities = Array.from({ length: NUM_CLASSES }, (_, k) => p0[k]);
  let cls = opts.classIndex ?? 0;
  if (opts.classIndex === undefined) for (let k = 1; k < NUM_CLASSES; k++) if (p0[k] > p0[cls]) cls = k;
  const ys = origins(h, patch[0], stride[0]);
  const xs = origins(w, patch[1], stride[1]);
  const jobs = ys.flatMap((y) => xs.map((x) => [y, x] as const));
  const sum = new Float64Array(h * w);
  const cover = new Float64Array(h * w);
  const buf = new Float32Array(batch * size);
  for (let s = 0; s < jobs.length; s += batch) {
    const m = Math.min(batch, jobs.length - s);
    for (let k = 0; k < m; k++) {
      const [y0, x0] = jobs[s + k];
      const o = k * size;
      buf.set(image.subarray(0, size), o);
      for (let y = y0; y < y0 + patch[0]; y++)
        for (let x = x0; x < x0 + patch[1]; x++)
          for (const ch of channels) buf[o + (y * w + x) * c + ch] = baseline;
    }
    const p = predict(buf.subarray(0, m * size), m);
    for (let k = 0; k < m; k++) {
      const drop = probabilities[cls] - p[k * NUM_CLASSES + cls];
      const [y0, x0] = jobs[s + k];
      for (let y = y0; y < y0 + patch[0]; y++)
        for (let x = x0; x < x0 + patch[1]; x++) {
          sum[y * w + x] += drop;
          cover[y * w + x] += 1;
        }
    }
  }
  const values = new Float32Array(h * w);
  for (let i = 0; i < values.length; i++) values[i] = cover[i] ? sum[i] / cover[i] : 0;
  return { height: h, width: w, values, classIndex: cls, probabilities, patch, stride, channels };
}

/** Share of the total absolute saliency that falls inside rows [r0, r1) x columns [c0, c1). */
export function saliencyShare(map: SaliencyMap, r0: number, r1: number, c0: number, c1: number): number {
  let inside = 0;
  let total = 0;
  for (let y = 0; y < map.height; y++)
    for (let x = 0; x < map.width; x++) {
      const v = Math.abs(map.values[y * map.width + x]);
      total += v;
      if (y >= r0 && y < r1 && x >= c0 && x < c1) inside += v;
    }
  return total > 0 ? inside / total : NaN;
}
