/** Writes the report files of a study into its folder, each atomically. */
import path from 'node:path';
import {
  STUDY_SUMMARY_VERSION,
  type BaselineSummary,
  type CellSummary,
  type MetricKey,
  type MetricsDto,
  type StatsDto,
  type StudySummary,
} from '../../../shared/study-summary';
import type { IntervalDto } from '../../../shared/study-statistics';
import type { Interval } from '../eval/bootstrap';
import type { ClassMetrics } from '../eval/metrics';
import type { Stats } from '../eval/stats';
import { intervalDto } from '../eval/statistics/study-statistics';
import type { MetricName, StudyResult } from '../eval/study/result';
import { writeFileAtomic } from '../train/atomic';
import { foldsCsv, predictionsCsv } from './csv';
import { equityOf } from './equity';
import { reportHtml } from './html';

const num = (x: number | undefined): number | null => (x !== undefined && Number.isFinite(x) ? x : null);

export function metricsDto(m: ClassMetrics): MetricsDto {
  return {
    n: m.n,
    accuracy: num(m.accuracy),
    balancedAccuracy: num(m.balancedAccuracy),
    macroF1: num(m.macroF1),
    logLoss: num(m.logLoss),
    precision: m.precision.map(num),
    recall: m.recall.map(num),
    confusion: m.confusion,
  };
}

export function statsDto(s: Stats): StatsDto {
  return {
    days: s.days,
    returnDays: s.returnDays,
    segments: s.segments,
    totalReturn: num(s.totalReturn),
    annualReturn: num(s.annualReturn),
    annualVolatility: num(s.annualVolatility),
    sharpe: num(s.sharpe),
    maxDrawdown: num(s.maxDrawdown),
    calmar: num(s.calmar),
    turnover: num(s.turnover),
    exposure: num(s.exposure),
    hitRate: num(s.hitRate),
    trades: s.trades,
    tradingDaysPerYear: num(s.tradingDaysPerYear),
    cashRatePerYear: s.cashRatePerYear,
  };
}

function intervals(ci: Record<MetricName, Interval>): Record<MetricKey, IntervalDto> {
  return Object.fromEntries(Object.entries(ci).map(([k, v]) => [k, intervalDto(v)])) as Record<
    MetricKey,
    IntervalDto
  >;
}

/** summary.json as typed in src/shared/study-summary.ts. */
export function studySummary(r: StudyResult): StudySummary {
  const cells: CellSummary[] = r.cells.map((c) => ({
    key: c.key,
    channels: c.channels,
    layout: c.layout,
    imageShape: c.imageShape,
    metrics: metricsDto(c.metrics),
    intervals: intervals(c.ci),
    seedMean: Object.fromEntries(
      Object.entries(c.seedMean).map(([k, v]) => [k, num(v)]),
    ) as CellSummary['seedMean'],
    seedStd: Object.fromEntries(
      Object.entries(c.seedStd).map(([k, v]) => [k, num(v)]),
    ) as CellSummary['seedStd'],
    perSeed: c.perSeed.map((s) => ({ seed: s.seed, metrics: metricsDto(s.metrics) })),
    backtest: statsDto(c.stats),
    foldAccuracy: c.foldAccuracy.map((f) => ({
      ...f,
      accuracy: num(f.accuracy),
      balancedAccuracy: num(f.balancedAccuracy),
    })),
  }));
  const baselines: BaselineSummary[] = r.baselines.map((b) => ({
    id: b.id,
    name: b.name,
    params: b.params,
    description: b.description,
    descriptionParams: b.descriptionParams,
    metrics: metricsDto(b.metrics),
    ci: b.ci ? intervals(b.ci) : undefined,
    stats: b.stats ? statsDto(b.stats) : undefined,
    info: b.info,
  }));
  return {
    version: STUDY_SUMMARY_VERSION,
    headline: r.headline,
    ablationSentence: r.ablationSentence,
    notes: r.notes,
    primary: r.primary,
    reference: r.reference,
    backend: r.backend as StudySummary['backend'],
    versions: r.versions,
    data: r.data,
    config: r.config,
    folds: r.folds.map((f) => ({
      index: f.index,
      train: f.train.length,
      val: f.val.length,
      test: f.test.length,
      predictOnly: f.predictOnly.length,
      testStart: f.testStart,
      testEnd: f.testEnd,
    })),
    cells,
    baselines,
    buyHold: statsDto(r.buyHold),
    ablation: r.ablation.map((a) => ({
      key: a.key,
      channels: a.channels,
      layout: a.layout,
      ...(a.reference ? { reference: a.reference } : {}),
      diff: intervals(a.diff),
      verdict: a.verdict,
      pHolm: a.pHolm,
    })),
    statistics: r.statistics,
    trials: r.trials,
    importance: r.importance,
    labelCheck: r.labelCheck
      ? {
          ...r.labelCheck,
          models: r.labelCheck.models.map((m) => ({
            ...m,
            balancedAccuracy: num(m.balancedAccuracy),
            otherBalancedAccuracy: num(m.otherBalancedAccuracy),
          })),
        }
      : null,
    powerNote: r.powerNote,
    equity: equityOf(r),
    seconds: r.seconds,
    computedFolds: r.computedFolds,
    cachedFolds: r.cachedFolds,
  };
}

/** summary.json: configuration, backend, versions, data fingerprint, metrics, intervals, baselines, statistics. */
export function summaryJson(r: StudyResult): string {
  return JSON.stringify(
    studySummary(r),
    (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v),
    2,
  );
}

/** Writes predictions.csv, folds.csv, summary.json and report.html into r.outDir. */
export function writeReports(r: StudyResult): string[] {
  const lang = r.config.language;
  const files: [string, string][] = [
    ['predictions.csv', predictionsCsv(r, lang)],
    ['folds.csv', foldsCsv(r, lang)],
    ['summary.json', summaryJson(r)],
    ['report.html', reportHtml(r)],
  ];
  return files.map(([name, text]) => {
    const file = path.join(r.outDir, name);
    writeFileAtomic(file, text);
    return file;
  });
}
