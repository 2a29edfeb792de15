/**
 * Factor image of one channel as a heatmap and as an ECharts-GL 3-D surface, optionally with a saliency map over
 * it. Pure option builders.
 *
 * An image is a bar-major run of values: value k (= row * width + column) is factor k % F of bar floor(k / F),
 * F = the number of factors, in both layouts ('time-factor': one bar per row; 'seed': the same run rastered into
 * a square). So every cell names its own factor and its own bar's stamp, whatever the layout.
 */
import type { FactorImageDto, SaliencyDto } from '../../../shared/ipc-contract';
import type { Palette } from './colors';
import { parseColor, rasterRenderItem } from './raster';

/** Diverging blue–white–red scale for z-scores. */
export const ZSCORE_COLORS = ['#2c5aa0', '#74a9cf', '#f7f7f7', '#f4a582', '#b2182b'];
/** The same scale, see-through near zero, for a saliency map drawn over an image. */
export const SALIENCY_COLORS = [
  'rgba(33,102,172,0.85)',
  'rgba(103,169,207,0.45)',
  'rgba(247,247,247,0)',
  'rgba(239,138,98,0.45)',
  'rgba(178,24,43,0.85)',
];

/** Words the charts show, in the UI's language. */
export interface ImageChartNames {
  factorAxis: string;
  columnAxis: string;
  barAxis: string;
  rowAxis: string;
  zAxis: string;
  factor: string;
  bar: string;
  value: string;
  saliency: string;
}

export const ENGLISH_NAMES: ImageChartNames = {
  factorAxis: 'Factor',
  columnAxis: 'Column',
  barAxis: 'Bar',
  rowAxis: 'Row',
  zAxis: 'z-score',
  factor: 'Factor',
  bar: 'Bar',
  value: 'z',
  saliency: 'Δp',
};

/** True when columns are factors (the time-factor layout: one bar per row). */
export function columnsAreFactors(img: FactorImageDto): boolean {
  return img.width === img.factorNames.length;
}

/** Name of column x: the factor in the time-factor layout, else the column number. */
export function columnName(img: FactorImageDto, x: number): string {
  return columnsAreFactors(img) ? img.factorNames[x] : `col ${x + 1}`;
}

/** Bar index (into barTimes, oldest first) and factor name of cell (x, y). */
export function cellOf(img: FactorImageDto, x: number, y: number): { bar: number; factor: string } {
  const F = img.factorNames.length;
  const k = y * img.width + x;
  return { bar: Math.floor(k / F), factor: img.factorNames[k % F] };
}

/** Row y as a bar offset from the sample date's last bar: the top row (last bar) is t, the first t-(bars-1). */
export function rowName(img: FactorImageDto, y: number): string {
  const bars = Math.max(1, img.barTimes?.length || img.height);
  const { bar } = cellOf(img, 0, y);
  const back = bars - 1 - bar;
  return back === 0 ? 't' : `t-${back}`;
}

/** Stamp label of row y: its bar's date (daily) or 'MM-DD HH:mm' (intraday), for the row axis. */
export function rowStamp(img: FactorImageDto, y: number): string {
  const stamp = img.barTimes?.[cellOf(img, 0, y).bar];
  if (!stamp) return rowName(img, y);
  return stamp.length > 10 ? stamp.slice(5) : stamp;
}

/** [x, y, value] cells of one channel (x = column, y = row, oldest row first). Non-finite values become 0. */
export function imageCells(img: FactorImageDto, channel: number): [number, number, number][] {
  return gridCells(img.values[channel], img.height, img.width);
}

function gridCells(v: ArrayLike<number>, height: number, width: number): [number, number, number][] {
  const out: [number, number, number][] = new Array(height * width);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const z = v[y * width + x];
      out[y * width + x] = [x, y, Number.isFinite(z) ? Math.round(z * 1000) / 1000 : 0];
    }
  return out;
}

/** Largest absolute value, for a symmetric colour range (at least 1). */
export function symmetricRange(img: FactorImageDto, channel: number): number {
  let m = 1;
  for (const z of img.values[channel]) if (Number.isFinite(z)) m = Math.max(m, Math.abs(z));
  return Math.ceil(m * 10) / 10;
}

function maxAbs(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) if (Number.isFinite(v[i])) m = Math.max(m, Math.abs(v[i]));
  return m || 1e-6;
}

/** Tooltip of cell (x, y): the factor, the bar's own stamp and its offset from the sample date, the value. */
export function tooltipText(
  img: FactorImageDto,
  x: number,
  y: number,
  z: number,
  names: ImageChartNames = ENGLISH_NAMES,
  saliency?: number,
): string {
  const { bar, factor } = cellOf(img, x, y);
  const bars = img.barTimes?.length || img.height;
  const back = bars - 1 - bar;
  const stamp = img.barTimes?.[bar] ?? img.date;
  const s = saliency === undefined ? '' : `<br/>${names.saliency} = ${saliency.toFixed(4)}`;
  return `${names.factor}: ${factor}<br/>${names.bar}: ${stamp} (${back === 0 ? 't' : `t-${back}`})<br/>${names.value} = ${z.toFixed(3)}${s}`;
}

export interface HeatmapOptions {
  names?: ImageChartNames;
  /** Small multiples: no axis labels (the tooltip names every cell). */
  compact?: boolean;
  saliency?: SaliencyDto | null;
}

export function heatmapOption(
  img: FactorImageDto,
  channel: number,
  p: Palette,
  title: string,
  opts: HeatmapOptions = {},
): Record<string, unknown> {
  const names = opts.names ?? ENGLISH_NAMES;
  const range = symmetricRange(img, channel);
  const factors = columnsAreFactors(img);
  const compact = opts.compact ?? false;
  const sal =
    opts.saliency && opts.saliency.height === img.height && opts.saliency.width === img.width
      ? opts.saliency
      : null;
  // every factor is labelled: horizontal text does not fit 56 columns, 45 degrees at 10 px does
  const xLabel = factors
    ? { rotate: 45, fontSize: 10, color: p.text, interval: 0, margin: 6 }
    : { fontSize: 10, color: p.text, interval: Math.max(0, Math.ceil(img.width / 8) - 1) };
  const rowEvery = Math.max(1, Math.ceil(img.height / 14));
  const salRange = sal ? maxAbs(sal.values) : 1;
  const visualMaps: Record<string, unknown>[] = [
    {
      type: 'continuous',
      seriesIndex: 0,
      min: -range,
      max: range,
      // hovering the colour bar would dim the cells and its own labels; the bar only explains the colours
      calculable: false,
      hoverLink: false,
      realtime: false,
      orient: 'vertical',
      right: 4,
      top: compact ? 'middle' : 40,
      itemHeight: compact ? 90 : 140,
      itemWidth: 12,
      text: [`+${range}`, `−${range}`],
      showLabel: true,
      inRange: { color: ZSCORE_COLORS },
      textStyle: { color: p.text, fontSize: 11 },
    },
  ];
  if (sal)
    visualMaps.push({
      type: 'continuous',
      seriesIndex: 1,
      min: -salRange,
      max: salRange,
      calculable: false,
      hoverLink: false,
      orient: 'vertical',
      right: 4,
      top: 230,
      itemHeight: 140,
      itemWidth: 12,
      text: [`${names.saliency} +${salRange.toFixed(3)}`, `−${salRange.toFixed(3)}`],
      inRange: { color: SALIENCY_COLORS },
      textStyle: { color: p.text, fontSize: 11 },
    });
  return {
    animation: false,
    backgroundColor: 'transparent',
    title: { text: title, left: 8, top: 2, textStyle: { fontSize: 12, fontWeight: 600, color: p.text } },
    // the cells are one image: EChart.vue's cellTip shows the hovered cell's tooltip (showTip by data index)
    tooltip: {
      triggerOn: 'none',
      formatter: (prm: { value: [number, number, number] }) =>
        tooltipText(
          img,
          prm.value[0],
          prm.value[1],
          img.values[channel][prm.value[1] * img.width + prm.value[0]] ?? prm.value[2],
          names,
          sal ? sal.values[prm.value[1] * img.width + prm.value[0]] : undefined,
        ),
    },
    grid: compact
      ? { left: 12, right: 56, top: 26, bottom: 26 }
      : { left: 92, right: 96, top: 30, bottom: factors ? 118 : 56 },
    xAxis: {
      type: 'category',
      name: factors ? names.factorAxis : names.columnAxis,
      nameLocation: 'middle',
      nameGap: compact ? 8 : factors ? 100 : 30,
      nameTextStyle: { color: p.muted, fontSize: 11 },
      data: Array.from({ length: img.width }, (_, x) => columnName(img, x)),
      axisLabel: compact ? { show: false } : xLabel,
      axisTick: { show: !compact },
      splitArea: { show: false },
    },
    yAxis: {
      type: 'category',
      name: factors ? names.barAxis : names.rowAxis,
      nameLocation: 'middle',
      nameGap: compact ? 4 : 78,
      nameRotate: 90,
      nameTextStyle: { color: p.muted, fontSize: 11 },
      data: Array.from({ length: img.height }, (_, y) => (factors ? rowStamp(img, y) : `${y + 1}`)),
      axisLabel: compact
        ? { show: false }
        : { fontSize: 10, color: p.text, interval: (i: number) => (img.height - 1 - i) % rowEvery === 0 },
      axisTick: { show: !compact },
    },
    visualMap: visualMaps,
    // one data item per cell (the tooltip names it), one image for all of them: see raster.ts
    series: [
      {
        type: 'custom',
        data: imageCells(img, channel),
        encode: { x: 0, y: 1, tooltip: 2 },
        renderItem: rasterRenderItem(img.values[channel], img.height, img.width, ZSCORE_COLORS, range),
        silent: true,
      },
      ...(sal
        ? [
            {
              type: 'custom',
              data: gridCells(sal.values, sal.height, sal.width).map(([x, y]) => [
                x,
                y,
                sal.values[y * sal.width + x],
              ]),
              encode: { x: 0, y: 1 },
              renderItem: rasterRenderItem(sal.values, sal.height, sal.width, SALIENCY_COLORS, salRange),
              silent: true,
            },
          ]
        : []),
    ],
  };
}

export type SurfaceMode = 'wireframe' | 'shaded';

/** Cells drawn in 3-D at most: a 224 x 224 image (50,176 vertices) is shown as 56 x 56 block means. */
export const MAX_SURFACE_CELLS = 64 * 64;

/** The z-score scale's stops as RGBA, for the canvases of raster.ts (heatmap, thumbnails). */
export const ZSCORE_STOPS = ZSCORE_COLORS.map(parseColor);

/** Block-mean downsampling factor that keeps a surface within MAX_SURFACE_CELLS (1 = every cell). */
export function surfaceFactor(height: number, width: number): number {
  let k = 1;
  while (Math.ceil(height / k) * Math.ceil(width / k) > MAX_SURFACE_CELLS) k++;
  return k;
}

/** Means of k x k blocks (the last blocks may be partial), row-major. */
export function blockMeans(
  v: ArrayLike<number>,
  height: number,
  width: number,
  k: number,
): { h: number; w: number; values: number[] } {
  const h = Math.ceil(height / k);
  const w = Math.ceil(width / k);
  const values = new Array<number>(h * w).fill(0);
  const n = new Array<number>(h * w).fill(0);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const z = v[y * width + x];
      if (!Number.isFinite(z)) continue;
      const i = Math.floor(y / k) * w + Math.floor(x / k);
      values[i] += z;
      n[i]++;
    }
  for (let i = 0; i < values.length; i++) values[i] = n[i] ? values[i] / n[i] : 0;
  return { h, w, values };
}

export function surfaceOption(
  img: FactorImageDto,
  channel: number,
  p: Palette,
  mode: SurfaceMode,
  title: string,
  opts: { names?: ImageChartNames; saliency?: SaliencyDto | null } = {},
): Record<string, unknown> {
  const names = opts.names ?? ENGLISH_NAMES;
  const range = symmetricRange(img, channel);
  const wire = mode === 'wireframe';
  const k = surfaceFactor(img.height, img.width);
  const grid = blockMeans(img.values[channel], img.height, img.width, k);
  const sal =
    opts.saliency && opts.saliency.height === img.height && opts.saliency.width === img.width
      ? blockMeans(opts.saliency.values, img.height, img.width, k).values
      : null;
  const salRange = sal ? maxAbs(sal) : 1;
  const factors = columnsAreFactors(img) && k === 1;
  // axes count original cells; a downsampled vertex sits at its block's first cell
  const data = grid.values.map((z, i) => {
    const x = (i % grid.w) * k;
    const y = Math.floor(i / grid.w) * k;
    const v = Math.round(z * 1000) / 1000;
    return sal ? [x, y, v, sal[i]] : [x, y, v];
  });
  return {
    // a new date replaces the surface at once: an animated update would hold the step for its duration
    animation: false,
    backgroundColor: 'transparent',
    title: { text: title, left: 8, top: 2, textStyle: { fontSize: 12, fontWeight: 600, color: p.text } },
    tooltip: {
      formatter: (prm: { value: number[] }) =>
        tooltipText(img, prm.value[0], prm.value[1], prm.value[2], names, sal ? prm.value[3] : undefined) +
        (k > 1 ? `<br/>(${k} × ${k} mean)` : ''),
    },
    visualMap: {
      show: true,
      // with a saliency map the surface keeps its height (the z-score) and takes its colour from the saliency
      dimension: sal ? 3 : 2,
      min: sal ? -salRange : -range,
      max: sal ? salRange : range,
      right: 4,
      top: 'middle',
      itemHeight: 140,
      itemWidth: 12,
      calculable: false,
      hoverLink: false,
      text: sal
        ? [`${names.saliency} +${salRange.toFixed(3)}`, `−${salRange.toFixed(3)}`]
        : [`+${range}`, `−${range}`],
      inRange: { color: sal ? ['#2166ac', '#92c5de', '#f7f7f7', '#f4a582', '#b2182b'] : ZSCORE_COLORS },
      textStyle: { color: p.text, fontSize: 11 },
    },
    xAxis3D: {
      type: 'value',
      // short names: a 3-D axis name is drawn beside the box, where a sentence would run off the canvas
      name: factors ? names.factor : names.columnAxis.split(' (')[0],
      min: 0,
      max: img.width - 1,
      interval: Math.max(1, Math.ceil(img.width / 8)),
      axisLabel: {
        formatter: (x: number) => (Number.isInteger(x) ? (factors ? columnName(img, x) : `${x + 1}`) : ''),
        fontSize: 11,
        color: p.text,
        margin: 10,
      },
      nameGap: 34,
      nameTextStyle: { color: p.muted, fontSize: 12 },
    },
    yAxis3D: {
      type: 'value',
      name: factors ? names.bar : names.rowAxis.split(' (')[0].split('（')[0],
      min: 0,
      max: img.height - 1,
      interval: Math.max(1, Math.ceil(img.height / 6)),
      axisLabel: {
        formatter: (y: number) => (Number.isInteger(y) ? (factors ? rowName(img, y) : `${y + 1}`) : ''),
        fontSize: 11,
        color: p.text,
      },
      nameGap: 30,
      nameTextStyle: { color: p.muted, fontSize: 12 },
    },
    zAxis3D: {
      type: 'value',
      name: names.zAxis,
      min: -range,
      max: range,
      // the lowest tick sits where the factor axis starts: its label would print over the first factor name
      axisLabel: {
        color: p.text,
        fontSize: 11,
        formatter: (z: number) => (z <= -range + 1e-9 ? '' : String(Math.round(z * 10) / 10)),
      },
      nameTextStyle: { color: p.muted, fontSize: 12 },
    },
    grid3D: {
      boxWidth: 150,
      boxDepth: 100,
      boxHeight: 50,
      top: 10,
      viewControl: {
        projection: 'perspective',
        alpha: 24,
        beta: 32,
        distance: 240,
        minDistance: 180,
        maxDistance: 420,
        rotateSensitivity: 1,
        zoomSensitivity: 1,
        // the camera circles the box's centre; limits keep a dragged view from tipping the box out of the frame
        minAlpha: -10,
        maxAlpha: 75,
      },
      // progressive super-sampling re-renders a frame many times after every change: a slow GPU (or none) lags
      temporalSuperSampling: { enable: false },
      light: { main: { intensity: 1.1, shadow: false, alpha: 40, beta: 30 }, ambient: { intensity: 0.35 } },
      axisLine: { lineStyle: { color: p.muted } },
      splitLine: { lineStyle: { color: p.grid } },
      axisPointer: { show: false },
    },
    series: [
      {
        type: 'surface',
        dataShape: [grid.h, grid.w],
        data,
        shading: wire ? 'color' : 'lambert',
        itemStyle: { opacity: wire ? 0.35 : 1 },
        wireframe: {
          show: wire,
          lineStyle: {
            color: wire ? p.text : 'rgba(0,0,0,0.15)',
            width: wire ? 1.4 : 1,
            opacity: wire ? 0.85 : 1,
          },
        },
      },
    ],
  };
}
