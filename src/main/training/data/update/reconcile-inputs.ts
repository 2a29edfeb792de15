/**
 * Reconciliation inputs as a person names them: index files (read by the importer) or sources written
 * `eastmoney:000300` / `sina:399006` (fetched over the date range, converted with their documented units).
 */
import type { Bars } from '../../../../shared/domain';
import { importFile, type ImportOptions } from '../import';
import { addDays, shanghaiTime } from './clock';
import { createHttpClient, type HttpOptions } from './http';
import { reconcile, type LabelledSeries, type ReconcileReport } from './reconcile';
import { SOURCES, exchangeOf, type SourceAnswer } from './sources';
import { DEFAULT_TOLERANCE, type SourceName, type Tolerance } from './types';

const SOURCE_SPEC = /^(eastmoney|sina):(\d{6})$/;

/** Bars of a source's answer, converted with the documented units (shares, CNY). */
export function answerBars(a: SourceAnswer, label: string): Bars {
  const n = a.rows.length;
  const col = (f: (r: SourceAnswer['rows'][number]) => number) => Float64Array.from(a.rows, f);
  return {
    code: a.code,
    source: label,
    barsPerDay: 1,
    time: a.rows.map((r) => r.date),
    date: a.rows.map((r) => r.date),
    open: col((r) => r.open),
    high: col((r) => r.high),
    low: col((r) => r.low),
    close: col((r) => r.close),
    volume: col((r) => r.volume * a.documentedVolumeScale),
    // NaN marks an amount the source does not give; carriedFields then leaves the field out
    amount: n
      ? col((r) => (Number.isFinite(r.amount) ? r.amount * a.documentedAmountScale : 0))
      : new Float64Array(0),
  };
}

export interface ReconcileInputsOptions {
  tolerance?: Partial<Tolerance>;
  /** Compared range; sources are fetched over it (default: the 90 days to today). */
  from?: string;
  to?: string;
  baseUrl?: string;
  http?: Partial<HttpOptions>;
  importOptions?: ImportOptions;
  now?: () => Date;
  signal?: AbortSignal;
}

/** Loads every input (files and `source:code`) and reconciles them. */
export async function reconcileInputs(
  inputs: string[],
  opts: ReconcileInputsOptions = {},
): Promise<ReconcileReport> {
  if (inputs.length < 2) throw new Error('reconcile needs at least two files or sources');
  const http = createHttpClient(opts.http);
  const today = shanghaiTime((opts.now ?? (() => new Date()))()).date;
  const series: LabelledSeries[] = [];
  for (const input of inputs) {
    const m = SOURCE_SPEC.exec(input);
    if (!m) {
      series.push({ label: input, bars: importFile(input, opts.importOptions).bars });
      continue;
    }
    const [name, code] = [m[1] as SourceName, m[2]];
    const src = SOURCES[name];
    const range = {
      code,
      exchange: exchangeOf(code),
      from: opts.from ?? addDays(today, -90),
      to: opts.to ?? today,
    };
    const url = src.url(range, opts.baseUrl);
    const answer = await http.get(url, (body) => src.parse(body, range, url), {
      signal: opts.signal,
      headers: src.headers,
    });
    series.push({ label: input, bars: answerBars(answer, input) });
  }
  return reconcile(series, {
    tolerance: { ...DEFAULT_TOLERANCE, ...opts.tolerance },
    from: opts.from,
    to: opts.to,
  });
}
