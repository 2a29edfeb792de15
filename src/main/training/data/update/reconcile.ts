/**
 * Reconciliation of two or more series of the same index (files or sources) over their common dates: every
 * day and field on which a pair disagrees beyond the tolerance, and, with three or more series, which one is the
 * odd one out when all the others agree. Findings are reported, never repaired.
 */
import type { Bars } from '../../../../shared/domain';
import { BAR_FIELDS, type BarField, type Tolerance } from './types';

const PRICE: ReadonlySet<BarField> = new Set(['open', 'high', 'low', 'close']);

/** True when x and y differ beyond the tolerance of `field`; a value missing on either side (NaN) never does. */
export function disagrees(field: BarField, x: number, y: number, tol: Tolerance): boolean {
  if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
  const d = Math.abs(x - y);
  if (PRICE.has(field)) return d > tol.pricePoints * (1 + 1e-9);
  const frac = field === 'volume' ? tol.volumeFraction : tol.amountFraction;
  return d > frac * Math.max(Math.abs(x), Math.abs(y));
}

/** Fields a series actually carries: volume and amount all zero mean the source had none (e.g. TongDaXin amount). */
export function carriedFields(b: Bars): BarField[] {
  return BAR_FIELDS.filter((f) => {
    if (PRICE.has(f)) return true;
    const xs = b[f];
    for (let i = 0; i < xs.length; i++) if (xs[i] > 0) return true;
    return false;
  });
}

export interface LabelledSeries {
  /** How the series is named in the report: a file path or 'eastmoney:000300'. */
  label: string;
  bars: Bars;
}

export interface PairDisagreement {
  date: string;
  field: BarField;
  a: number;
  b: number;
}

export interface PairReport {
  a: string;
  b: string;
  commonDays: number;
  first?: string;
  last?: string;
  fields: BarField[];
  disagreements: PairDisagreement[];
}

export interface DayFinding {
  date: string;
  field: BarField;
  /** Value of each series (in `series` order); null where it has no bar that day or lacks the field. */
  values: (number | null)[];
  /** Index of the one series that disagrees with every other while those agree with each other. */
  odd?: number;
}

export interface ReconcileReport {
  code: string;
  series: { label: string; first?: string; last?: string; days: number }[];
  pairs: PairReport[];
  /** Every (date, field) with at least one disagreeing pair, by date then field order. */
  findings: DayFinding[];
}

export interface ReconcileOptions {
  tolerance: Tolerance;
  from?: string;
  to?: string;
}

/** Compares every pair of daily series over their common dates within [from, to]. */
export function reconcile(series: LabelledSeries[], opts: ReconcileOptions): ReconcileReport {
  if (series.length < 2) throw new Error('reconcile needs at least two series');
  const code = series[0].bars.code;
  const odd = series.find((s) => s.bars.code !== code);
  if (odd)
    throw new Error(
      `${odd.label} is index ${odd.bars.code}, ${series[0].label} is ${code}: not the same index`,
    );
  for (const s of series)
    if (s.bars.barsPerDay !== 1)
      throw new Error(`${s.label} has ${s.bars.barsPerDay} bars a day: reconcile compares daily bars`);
  const inRange = (d: string) => (!opts.from || d >= opts.from) && (!opts.to || d <= opts.to);
  const index = series.map((s) => {
    const m = new Map<string, number>();
    s.bars.date.forEach((d, i) => inRange(d) && m.set(d, i));
    return m;
  });
  const fields = series.map((s) => new Set(carriedFields(s.bars)));
  const pairs: PairReport[] = [];
  const flagged = new Map<string, Set<BarField>>();
  for (let a = 0; a < series.length; a++) {
    for (let b = a + 1; b < series.length; b++) {
      const common = [...index[a].keys()].filter((d) => index[b].has(d)).sort();
      const both = BAR_FIELDS.filter((f) => fields[a].has(f) && fields[b].has(f));
      const dis: PairDisagreement[] = [];
      for (const d of common) {
        const i = index[a].get(d)!;
        const j = index[b].get(d)!;
        for (const f of both) {
          const x = series[a].bars[f][i];
          const y = series[b].bars[f][j];
          if (disagrees(f, x, y, opts.tolerance)) {
            dis.push({ date: d, field: f, a: x, b: y });
            let s = flagged.get(d);
            if (!s) flagged.set(d, (s = new Set()));
            s.add(f);
          }
        }
      }
      pairs.push({
        a: series[a].label,
        b: series[b].label,
        commonDays: common.length,
        first: common[0],
        last: common.at(-1),
        fields: both,
        disagreements: dis,
      });
    }
  }
  const findings: DayFinding[] = [];
  for (const d of [...flagged.keys()].sort()) {
    for (const f of BAR_FIELDS) {
      if (!flagged.get(d)!.has(f)) continue;
      const values = series.map((s, k) => {
        const i = index[k].get(d);
        return i === undefined || !fields[k].has(f) ? null : s.bars[f][i];
      });
      findings.push({ date: d, field: f, values, odd: oddOneOut(f, values, opts.tolerance) });
    }
  }
  return {
    code,
    series: series.map((s, k) => {
      const ds = [...index[k].keys()];
      return { label: s.label, first: ds[0], last: ds.at(-1), days: ds.length };
    }),
    pairs,
    findings,
  };
}

/** The single series that disagrees with all others while at least two others agree among themselves. */
function oddOneOut(field: BarField, values: (number | null)[], tol: Tolerance): number | undefined {
  const present = values.map((v, k) => [v, k] as const).filter(([v]) => v !== null) as [number, number][];
  if (present.length < 3) return undefined;
  for (const [v, k] of present) {
    const others = present.filter(([, j]) => j !== k);
    const agreeAmong = others.every(([x]) => others.every(([y]) => !disagrees(field, x, y, tol)));
    const disagreesAll = others.every(([x]) => disagrees(field, v, x, tol));
    if (agreeAmong && disagreesAll) return k;
  }
  return undefined;
}
