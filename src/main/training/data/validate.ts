/**
 * Checks on imported bars that look across rows (outliers) or across series (gaps, disagreeing sources).
 * All findings are reported, never repaired: the caller decides.
 */
import type { Bars, DataIssue } from '../../../shared/domain';

/**
 * Spike: a close that moves more than this fraction from the previous close and moves back by more than it the
 * next day, ending within half of it of where it started. A-share index moves are bounded by the 10 % daily limit
 * of their members since 1996-12-16, so a spike beyond 10 % that reverts is almost surely a bad row.
 */
export const SPIKE_THRESHOLD = 0.1;
/**
 * Partial-day row: the next open differs from this close by more than this fraction while this row's volume is
 * below PARTIAL_VOLUME_RATIO of the median volume of the PARTIAL_WINDOW rows either side: the signature of a row
 * captured before the close (baostock sh000905 2014-08-07: next open -1.24 % off, volume 0.39 of the median).
 */
export const PARTIAL_GAP = 0.01;
export const PARTIAL_VOLUME_RATIO = 0.5;
export const PARTIAL_WINDOW = 5;
/**
 * Outlier checks start here: the 10 % daily price limit began on 1996-12-16; before it the Shanghai market had
 * 1 % (1990-91) and no limits (1992-96), so large reverting moves and limit-sized gaps were ordinary.
 */
export const OUTLIER_CHECK_FROM = '1997-01-01';

/** Median of xs[0..n) (sorts xs in place: callers pass a scratch buffer). */
function medianInPlace(xs: Float64Array, n: number): number {
  for (let i = 1; i < n; i++) {
    const x = xs[i];
    let j = i - 1;
    while (j >= 0 && xs[j] > x) {
      xs[j + 1] = xs[j];
      j--;
    }
    xs[j + 1] = x;
  }
  const m = n >> 1;
  return n % 2 ? xs[m] : (xs[m - 1] + xs[m]) / 2;
}

/** Outlier warnings on daily bars from OUTLIER_CHECK_FROM on (spikes, partial-day rows); `lineOf[i]` = file line of bar i. */
export function checkOutliers(bars: Bars, lineOf?: Int32Array): DataIssue[] {
  const issues: DataIssue[] = [];
  const { close: c, open: o, volume: v, time } = bars;
  const n = c.length;
  const file = bars.source;
  const line = (i: number) => (lineOf ? lineOf[i] : undefined);
  let from = 0;
  while (from < n && bars.date[from] < OUTLIER_CHECK_FROM) from++;
  for (let t = Math.max(1, from); t < n - 1; t++) {
    const r1 = c[t] / c[t - 1] - 1;
    const r2 = c[t + 1] / c[t] - 1;
    if (
      Math.abs(r1) > SPIKE_THRESHOLD &&
      Math.abs(r2) > SPIKE_THRESHOLD &&
      r1 * r2 < 0 &&
      Math.abs(c[t + 1] / c[t - 1] - 1) < SPIKE_THRESHOLD / 2
    ) {
      issues.push({
        severity: 'warning',
        kind: 'spike',
        file,
        line: line(t),
        field: 'close',
        message: `${time[t]}: close ${c[t]} jumps ${(r1 * 100).toFixed(1)} % and reverts ${(r2 * 100).toFixed(1)} % next day; check this row`,
      });
    }
  }
  const w = PARTIAL_WINDOW;
  const scratch = new Float64Array(2 * w);
  let volumeSeen = false;
  for (let t = 0; t < n && !volumeSeen; t++) volumeSeen = v[t] > 0;
  if (!volumeSeen) return issues;
  for (let t = Math.max(w, from); t < n - w - 1; t++) {
    const gap = o[t + 1] / c[t] - 1;
    if (Math.abs(gap) <= PARTIAL_GAP) continue;
    let m = 0;
    for (let k = t - w; k <= t + w; k++) if (k !== t) scratch[m++] = v[k];
    const med = medianInPlace(scratch, m);
    if (med > 0 && v[t] < PARTIAL_VOLUME_RATIO * med) {
      issues.push({
        severity: 'warning',
        kind: 'partial-day',
        file,
        line: line(t),
        field: 'close',
        message:
          `${time[t]}: next open is ${(gap * 100).toFixed(2)} % away from this close and volume is ${(v[t] / med).toFixed(2)} of ` +
          `the median of the ${2 * w} days around it: possibly a row captured before the close (or a real short session)`,
      });
    }
  }
  return issues;
}

/**
 * Dates present in some series but missing in another, within the missing series' own first..last range
 * (a series that starts later is not 'missing' its earlier dates). One warning per series and date; intraday
 * series are compared by trading day.
 */
export function crossGaps(series: Bars[]): DataIssue[] {
  const sets = series.map((s) => new Set(s.date));
  const union = new Map<string, number[]>();
  series.forEach((s, k) => {
    for (const d of sets[k]) {
      let owners = union.get(d);
      if (!owners) union.set(d, (owners = []));
      owners.push(k);
    }
  });
  const dates = [...union.keys()].sort();
  const issues: DataIssue[] = [];
  series.forEach((s, k) => {
    if (s.date.length === 0) return;
    const first = s.date[0];
    const last = s.date[s.date.length - 1];
    for (const d of dates) {
      if (d < first) continue;
      if (d > last) break;
      if (sets[k].has(d)) continue;
      const owners = union.get(d)!.map((j) => series[j].code);
      issues.push({
        severity: 'warning',
        kind: 'gap',
        file: s.source,
        field: 'date',
        message: `${d} missing in ${s.code} but present in ${owners.join(', ')}`,
      });
    }
  });
  return issues;
}

/**
 * Two sources of the same index compared on their common stamps: a warning for each stamp where the closes
 * differ by more than `tolerance` (fraction, default 0.002 = 0.2 %, far above 2-decimal rounding).
 */
export function compareSources(a: Bars, b: Bars, tolerance = 0.002): DataIssue[] {
  const idx = new Map<string, number>();
  b.time.forEach((t, i) => idx.set(t, i));
  const issues: DataIssue[] = [];
  a.time.forEach((t, i) => {
    const j = idx.get(t);
    if (j === undefined) return;
    const diff = a.close[i] / b.close[j] - 1;
    if (Math.abs(diff) > tolerance) {
      issues.push({
        severity: 'warning',
        kind: 'source-mismatch',
        file: a.source,
        field: 'close',
        message: `${t}: close ${a.close[i]} differs from ${b.close[j]} in ${b.source} by ${(diff * 100).toFixed(2)} %`,
      });
    }
  });
  return issues;
}
