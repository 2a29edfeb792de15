/**
 * A grid of values drawn as one image inside an ECharts cartesian grid. ECharts' heatmap makes one rectangle per
 * cell and rebuilds them all on every update (3,136 for a 56 x 56 image, 50,176 for 224 x 224): the cost of a
 * date-slider step. Here a custom series keeps one data item per cell (the tooltip still names each cell) but
 * draws only one element: the cells painted onto a canvas, one pixel per cell, scaled up without smoothing to the
 * grid's size in device pixels. Colours follow the same linear scale as the visualMap's colour bar.
 */

export type Rgba = [number, number, number, number];

/** '#rrggbb' or 'rgba(r, g, b, a)' as [r, g, b, a] with a in 0..255. */
export function parseColor(c: string): Rgba {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(c);
  if (hex) return [parseInt(hex[1], 16), parseInt(hex[2], 16), parseInt(hex[3], 16), 255];
  const rgba = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)$/i.exec(c);
  if (!rgba) throw new Error(`not a colour this scale reads: ${c}`);
  const a = rgba[4] === undefined ? 1 : Number(rgba[4]);
  return [Number(rgba[1]), Number(rgba[2]), Number(rgba[3]), Math.round(a * 255)];
}

/** The colour at v on a scale from -range (first stop) to +range (last stop), linear between stops. */
export function rampColor(stops: Rgba[], v: number, range: number): Rgba {
  const t = Math.min(1, Math.max(0, (Number.isFinite(v) ? v / range : 0) / 2 + 0.5)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(t));
  const f = t - i;
  const a = stops[i];
  const b = stops[i + 1];
  return [0, 1, 2, 3].map((k) => Math.round(a[k] + (b[k] - a[k]) * f)) as Rgba;
}

/**
 * RGBA pixels of a row-major grid (row 0 = the bottom row, as the category y axis draws it), top row first as a
 * canvas expects.
 */
export function rasterPixels(
  values: ArrayLike<number>,
  height: number,
  width: number,
  stops: Rgba[],
  range: number,
): Uint8ClampedArray {
  const out = new Uint8ClampedArray(height * width * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const c = rampColor(stops, values[y * width + x], range);
      out.set(c, ((height - 1 - y) * width + x) * 4);
    }
  return out;
}

/** What renderItem uses of ECharts' custom-series api. */
interface RasterApi {
  coord(value: number[]): number[];
  size(value: number[]): number[];
}

/**
 * renderItem of a custom series over category axes (x = column, y = row): item 0 returns the whole grid as one
 * image, every other item nothing. The canvases are built once per option and size.
 */
export function rasterRenderItem(
  values: ArrayLike<number>,
  height: number,
  width: number,
  stops: string[],
  range: number,
): (params: { dataIndex: number }, api: RasterApi) => Record<string, unknown> | null {
  const rgba = stops.map(parseColor);
  let small: HTMLCanvasElement | undefined;
  let big: HTMLCanvasElement | undefined;
  return (params, api) => {
    if (params.dataIndex !== 0) return null;
    const [cw, ch] = api.size([1, 1]);
    const [x0, y0] = api.coord([0, 0]);
    const x = x0 - cw / 2;
    const bottom = y0 + ch / 2;
    const w = cw * width;
    const h = ch * height;
    const dpr = typeof window === 'undefined' ? 1 : window.devicePixelRatio || 1;
    const pw = Math.max(1, Math.round(w * dpr));
    const ph = Math.max(1, Math.round(h * dpr));
    if (!small) {
      small = document.createElement('canvas');
      small.width = width;
      small.height = height;
      const ctx = small.getContext('2d')!;
      const img = ctx.createImageData(width, height);
      img.data.set(rasterPixels(values, height, width, rgba, range));
      ctx.putImageData(img, 0, 0);
    }
    if (!big || big.width !== pw || big.height !== ph) {
      big = document.createElement('canvas');
      big.width = pw;
      big.height = ph;
      const ctx = big.getContext('2d')!;
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(small, 0, 0, pw, ph);
    }
    return { type: 'image', silent: true, style: { image: big, x, y: bottom - h, width: w, height: h } };
  };
}
