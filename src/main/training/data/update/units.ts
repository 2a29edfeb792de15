/**
 * Units of a source's volume and amount, read off the days the file already holds: the median ratio of the
 * file's value to the source's on the overlapping days must sit near one of the known scales (shares or lots;
 * CNY, thousand or ten-thousand CNY). The documented unit is only a prior: an answer in another known unit is
 * converted and said so; a ratio near no known unit is refused, because guessing would corrupt the series.
 */

/** Shares per source volume unit. */
export const VOLUME_SCALES: Record<number, string> = { 1: 'shares', 100: 'lots (100 shares)' };
/** CNY per source amount unit. */
export const AMOUNT_SCALES: Record<number, string> = {
  1: 'CNY',
  1000: 'thousand CNY',
  10000: 'ten thousand CNY',
};

/**
 * How far the median ratio may sit from a scale: a factor of 1.25. Sources define index volume slightly
 * differently (Sina's SSE Composite volume runs about 5 % above baostock's), while known scales are at least
 * 10x apart, so the band separates units without mistaking definitions for them.
 */
export const SCALE_BAND = 1.25;

export interface ScaleCheck {
  /** The scale to multiply source values by, when one fits. */
  scale?: number;
  /** Median of file value / source value over the usable days. */
  medianRatio: number;
  /** Overlapping days with a positive value on both sides. */
  days: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The known scale that turns `source` values into `file` values on paired days, if any fits within SCALE_BAND. */
export function detectScale(file: number[], source: number[], scales: number[]): ScaleCheck {
  const ratios: number[] = [];
  for (let i = 0; i < file.length; i++) {
    if (file[i] > 0 && source[i] > 0 && Number.isFinite(source[i])) ratios.push(file[i] / source[i]);
  }
  if (ratios.length === 0) return { medianRatio: NaN, days: 0 };
  const m = median(ratios);
  let best: number | undefined;
  let dist = Infinity;
  for (const s of scales) {
    const d = Math.abs(Math.log(m / s));
    if (d < dist) [best, dist] = [s, d];
  }
  return { scale: dist <= Math.log(SCALE_BAND) ? best : undefined, medianRatio: m, days: ratios.length };
}
