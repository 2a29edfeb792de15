/** Factor image -> PNG heatmap, so a person can look at what the network sees. */
import { PNG } from 'pngjs';

/** Diverging blue-white-red colour for a value in [-clip, clip] (NaN -> grey). Returns [r, g, b] 0..255. */
export function divergingColor(v: number, clip: number): [number, number, number] {
  if (!Number.isFinite(v)) return [128, 128, 128];
  const x = Math.max(-1, Math.min(1, v / clip));
  // blue (33,102,172) at -1, white at 0, red (178,24,43) at +1
  const lo = [33, 102, 172];
  const hi = [178, 24, 43];
  const end = x < 0 ? lo : hi;
  const a = Math.abs(x);
  return [0, 1, 2].map((k) => Math.round(255 + (end[k] - 255) * a)) as [number, number, number];
}

/**
 * Renders channel `channel` of an HWC image as a PNG heatmap, each value a scale x scale block.
 * Returns the encoded PNG bytes.
 */
export function heatmapPng(
  image: Float32Array,
  shape: [number, number, number],
  channel: number,
  clip: number,
  scale = 1,
): Buffer {
  const [h, w, c] = shape;
  const png = new PNG({ width: w * scale, height: h * scale });
  for (let y = 0; y < h * scale; y++) {
    for (let x = 0; x < w * scale; x++) {
      const v = image[(Math.floor(y / scale) * w + Math.floor(x / scale)) * c + channel];
      const [r, g, b] = divergingColor(v, clip);
      const o = (y * w * scale + x) * 4;
      png.data[o] = r;
      png.data[o + 1] = g;
      png.data[o + 2] = b;
      png.data[o + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}
