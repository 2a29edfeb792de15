/** Factor image of one channel as a heatmap and as an ECharts-GL 3-D surface. Pure option builders. */
import type { FactorImageDto } from '../../../shared/ipc-contract';
import type { Palette } from './colors';

/** Diverging blue–white–red scale for z-scores. */
export const ZSCORE_COLORS = ['#2c5aa0', '#74a9cf', '#f7f7f7', '#f4a582', '#b2182b'];

/** Name of column x: the factor in the time-factor layout, else the column number. */
export function columnName(img: FactorImageDto, x: number): string {
  return img.width === img.factorNames.length ? img.factorNames[x] : `col ${x + 1}`;
}

/** Row y as a bar offset from the sample date: the last row is t, the first t-(height-1). */
export function rowName(img: FactorImageDto, y: number): string {
  const back = img.height - 1 - y;
  return back === 0 ? 't' : `t-${back}`;
}

/** [x, y, value] cells of one channel (x = column, y = row, oldest row first). Non-finite values become 0. */
export function imageCells(img: FactorImageDto, channel: number): [number, number, number][] {
  const v = img.values[channel];
  const out: [number, number, number][] = new Array(img.height * img.width);
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width; x++) {
      const z = v[y * img.width + x];
      out[y * img.width + x] = [x, y, Number.isFinite(z) ? Math.round(z * 1000) / 1000 : 0];
    }
  return out;
}

/** Largest absolute value, for a symmetric colour range (at least 1). */
export function symmetricRange(img: FactorImageDto, channel: number): number {
  let m = 1;
  for (const z of img.values[channel]) if (Number.isFinite(z)) m = Math.max(m, Math.abs(z));
  return Math.ceil(m * 10) / 10;
}

function tooltipText(img: FactorImageDto, x: number, y: number, z: number): string {
  return `${columnName(img, x)}<br/>${rowName(img, y)} (${img.date})<br/>z = ${z.toFixed(3)}`;
}

export function heatmapOption(
  img: FactorImageDto,
  channel: number,
  p: Palette,
  title: string,
): Record<string, unknown> {
  const range = symmetricRange(img, channel);
  return {
    animation: false,
    backgroundColor: 'transparent',
    title: { text: title, left: 8, top: 2, textStyle: { fontSize: 12, fontWeight: 600, color: p.text } },
    tooltip: {
      formatter: (prm: { value: [number, number, number] }) =>
        tooltipText(img, prm.value[0], prm.value[1], prm.value[2]),
    },
    grid: { left: 48, right: 64, top: 28, bottom: 92 },
    xAxis: {
      type: 'category',
      data: Array.from({ length: img.width }, (_, x) => columnName(img, x)),
      axisLabel: { rotate: 90, fontSize: 8, color: p.muted, interval: img.width > 40 ? 1 : 0 },
      splitArea: { show: false },
    },
    yAxis: {
      type: 'category',
      data: Array.from({ length: img.height }, (_, y) => rowName(img, y)),
      axisLabel: { fontSize: 9, color: p.muted, interval: Math.max(0, Math.floor(img.height / 8) - 1) },
    },
    visualMap: {
      min: -range,
      max: range,
      calculable: true,
      orient: 'vertical',
      right: 4,
      top: 'middle',
      itemHeight: 120,
      inRange: { color: ZSCORE_COLORS },
      textStyle: { color: p.muted, fontSize: 10 },
    },
    series: [{ type: 'heatmap', data: imageCells(img, channel), progressive: 0 }],
  };
}

export type SurfaceMode = 'wireframe' | 'shaded';

export function surfaceOption(
  img: FactorImageDto,
  channel: number,
  p: Palette,
  mode: SurfaceMode,
  title: string,
): Record<string, unknown> {
  const range = symmetricRange(img, channel);
  const wire = mode === 'wireframe';
  return {
    backgroundColor: 'transparent',
    title: { text: title, left: 8, top: 2, textStyle: { fontSize: 12, fontWeight: 600, color: p.text } },
    tooltip: {
      formatter: (prm: { value: [number, number, number] }) =>
        tooltipText(img, prm.value[0], prm.value[1], prm.value[2]),
    },
    visualMap: {
      show: true,
      dimension: 2,
      min: -range,
      max: range,
      right: 4,
      top: 'middle',
      itemHeight: 120,
      calculable: true,
      inRange: { color: ZSCORE_COLORS },
      textStyle: { color: p.muted, fontSize: 10 },
    },
    xAxis3D: {
      type: 'value',
      name: 'factor',
      min: 0,
      max: img.width - 1,
      interval: Math.max(1, Math.ceil(img.width / 8)),
      axisLabel: {
        formatter: (x: number) => (Number.isInteger(x) ? columnName(img, x) : ''),
        fontSize: 11,
        color: p.text,
      },
      nameTextStyle: { color: p.muted },
    },
    yAxis3D: {
      type: 'value',
      name: 'bar',
      min: 0,
      max: img.height - 1,
      interval: Math.max(1, Math.ceil(img.height / 6)),
      axisLabel: {
        formatter: (y: number) => (Number.isInteger(y) ? rowName(img, y) : ''),
        fontSize: 11,
        color: p.text,
      },
      nameTextStyle: { color: p.muted },
    },
    zAxis3D: {
      type: 'value',
      name: 'z',
      min: -range,
      max: range,
      axisLabel: { color: p.text, fontSize: 11 },
      nameTextStyle: { color: p.muted },
    },
    grid3D: {
      boxWidth: 150,
      boxDepth: 100,
      boxHeight: 55,
      top: -40,
      viewControl: {
        projection: 'perspective',
        alpha: 24,
        beta: 32,
        distance: 225,
        rotateSensitivity: 1,
        zoomSensitivity: 1,
      },
      temporalSuperSampling: { enable: true },
      light: { main: { intensity: 1.1, shadow: false, alpha: 40, beta: 30 }, ambient: { intensity: 0.35 } },
      axisLine: { lineStyle: { color: p.muted } },
      splitLine: { lineStyle: { color: p.grid } },
      axisPointer: { show: false },
    },
    series: [
      {
        type: 'surface',
        dataShape: [img.height, img.width],
        data: imageCells(img, channel),
        shading: wire ? 'color' : 'lambert',
        itemStyle: { opacity: wire ? 0.15 : 1 },
        wireframe: { show: wire, lineStyle: { color: wire ? p.accent : 'rgba(0,0,0,0.15)', width: 1 } },
      },
    ],
  };
}
