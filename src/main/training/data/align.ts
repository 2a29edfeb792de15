/** Alignment of several indices on common bar stamps (inner join), reporting what each series lost. */
import type { Bars } from '../../../shared/domain';
import { ConfigError } from '../../../shared/errors';
import { selectBars } from './resample';

export interface AlignReport {
  /** Stamps common to all series (the length of every aligned series). */
  kept: number;
  /** Per input series: how many of its bars had no partner in every other series, and the first/last such stamp. */
  dropped: { code: string; count: number; first?: string; last?: string }[];
}

/**
 * Inner join of series on `time` (all must have the same barsPerDay). Output series keep the input order and
 * contain exactly the stamps present in every input.
 */
export function alignSeries(series: Bars[]): { series: Bars[]; report: AlignReport } {
  if (series.length === 0) return { series: [], report: { kept: 0, dropped: [] } };
  const bpd = series[0].barsPerDay;
  const odd = series.find((s) => s.barsPerDay !== bpd);
  if (odd) {
    throw new ConfigError(
      'barsPerDay',
      `cannot align ${series[0].code} (${bpd} bars/day) with ${odd.code} (${odd.barsPerDay} bars/day)`,
    );
  }
  const k = series.length;
  const count = new Map<string, number>();
  for (const s of series) for (const t of s.time) count.set(t, (count.get(t) ?? 0) + 1);
  const out: Bars[] = [];
  const dropped: AlignReport['dropped'] = [];
  for (const s of series) {
    const keep: number[] = [];
    let n = 0;
    let first: string | undefined;
    let last: string | undefined;
    for (let i = 0; i < s.time.length; i++) {
      if (count.get(s.time[i]) === k) keep.push(i);
      else {
        n++;
        first ??= s.time[i];
        last = s.time[i];
      }
    }
    out.push(keep.length === s.time.length ? s : selectBars(s, keep));
    dropped.push({ code: s.code, count: n, first, last });
  }
  return { series: out, report: { kept: out[0].time.length, dropped } };
}
