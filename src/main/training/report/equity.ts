/** The equity curves of a study as summary.json, report.html and the app draw them (segments kept apart). */
import type { EquityDto } from '../../../shared/study-summary';
import type { StudyResult } from '../eval/study/result';

const round = (xs: ArrayLike<number>) =>
  Array.from(xs, (v) => (Number.isFinite(v) ? Number(v.toFixed(6)) : 0));

/** The equity of every cell and of buy-and-hold, on the backtest days (every backtest of a study has the same). */
export function equityOf(r: StudyResult): EquityDto {
  const bt = r.cells.find((c) => c.key === r.primary)!.backtest;
  return {
    dates: bt.dates,
    segment: Array.from(bt.segment),
    segments: bt.segments.map((s) => ({ start: s.start, end: s.end })),
    buyHold: round(bt.buyHold),
    series: r.cells.map((c) => ({ name: c.key, kind: 'cell' as const, equity: round(c.backtest.equity) })),
  };
}
