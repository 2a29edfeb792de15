/** One date's explanation as a PNG: the factor image of one channel beside its saliency, through png.ts. */
import type { SaliencyMap } from '../eval/saliency';
import { heatmapPng } from './png';

/**
 * Left: channel `channel` of the HWC image, scaled by `clip` (blue -clip .. red +clip); a grey gap; right: the
 * saliency scaled by its largest absolute value (red = the values there raised the class's probability, blue =
 * lowered it). Returns the PNG bytes and the saliency scale used.
 */
export function explainPng(
  image: Float32Array,
  shape: [number, number, number],
  channel: number,
  clip: number,
  map: SaliencyMap,
  scale = 1,
  gap = 2,
): { png: Buffer; saliencyScale: number } {
  const [h, w, c] = shape;
  if (map.height !== h || map.width !== w)
    throw new RangeError(`saliency ${map.height}x${map.width} does not match the image ${h}x${w}`);
  let maxAbs = 0;
  for (const v of map.values) maxAbs = Math.max(maxAbs, Math.abs(v));
  const W = 2 * w + gap;
  const panel = new Float32Array(h * W).fill(NaN);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      panel[y * W + x] = image[(y * w + x) * c + channel] / clip;
      panel[y * W + w + gap + x] = maxAbs > 0 ? map.values[y * w + x] / maxAbs : 0;
    }
  return { png: heatmapPng(panel, [h, W, 1], 0, 1, scale), saliencyScale: maxAbs };
}
