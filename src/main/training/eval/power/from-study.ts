/**
 * Adapter from today's runStudy() result to studyStatistics(): rebuilds what the result does not carry (the common
 * sample dates and their labels, hence each fold's training labels for the majority and random baselines and the
 * persistence baseline) from the same bars and config, and re-runs the backtests with each row's fold as its
 * test block. Used by the power analysis; the split study can hand studyStatistics() these arrays directly.
 */
import type { Bars } from '../../../../shared/domain';
import type { StudyStatistics } from '../../../../shared/study-statistics';
import { buildDataset } from '../../images/dataset';
import { labelKnownAfterDays } from '../../labels/labels';
import { backtest } from '../backtest';
import { classRates, majorityClass, persistencePredictions } from '../baselines';
import { argmaxRows } from '../metrics';
import { backtestDailyReturns } from '../stats';
import type { StudyResult } from '../study';
import type { BaselineRows } from '../statistics/chance';
import type { StrategyReturns } from '../statistics/overfitting';
import { studyStatistics, type StudyStatisticsInput } from '../statistics/study-statistics';

export interface StudyRows {
  majority: Int8Array;
  rates: number[][];
  persistence: Int8Array;
}

/** Per-row majority class, class rates and persistence prediction of a study result (see the file comment). */
export function baselineRowsOfStudy(result: StudyResult, bars: Map<string, Bars>): StudyRows {
  const cfg = result.config;
  const datasets = result.cells.map((c) =>
    buildDataset(
      { ...cfg.dataset, channels: c.channels, layout: c.layout },
      new Map(c.channels.map((x) => [x, bars.get(x)!])),
    ),
  );
  let common = datasets[0].dates;
  for (const ds of datasets.slice(1)) {
    const s = new Set(ds.dates);
    common = common.filter((d) => s.has(d));
  }
  const i0 = new Map(datasets[0].dates.map((d, i) => [d, i] as const));
  const labelsAll = Int8Array.from(common, (d) => datasets[0].labels[i0.get(d)!]);
  const commonIndex = new Map(common.map((d, i) => [d, i] as const));
  const rowsCommon = result.dates.map((d) => {
    const j = commonIndex.get(d);
    if (j === undefined)
      throw new Error(`baselineRowsOfStudy: study date ${d} is not a sample date of these bars`);
    return j;
  });
  const n = result.dates.length;
  const majority = new Int8Array(n);
  const rates: number[][] = new Array(n);
  for (let r = 0; r < n; r++) {
    const f = result.folds[result.rowFold[r]];
    majority[r] = majorityClass(labelsAll, f.train);
    rates[r] = classRates(labelsAll, f.train);
  }
  const lag = labelKnownAfterDays(cfg.dataset.horizonDays, cfg.dataset.labelPrice);
  return { majority, rates, persistence: persistencePredictions(labelsAll, rowsCommon, lag, 1) };
}

/** studyStatistics() input from a runStudy() result and the bars it ran on. */
export function statisticsInputOfStudy(
  result: StudyResult,
  bars: Map<string, Bars>,
  power?: StudyStatistics['power'],
): StudyStatisticsInput {
  const cfg = result.config;
  const rows = baselineRowsOfStudy(result, bars);
  const baselines: BaselineRows[] = [
    { name: 'majority', kind: 'classes', pred: rows.majority },
    { name: 'random', kind: 'rates', rates: rows.rates },
    { name: 'persistence', kind: 'classes', pred: rows.persistence },
  ];
  const target = bars.get(cfg.dataset.target)!;
  const bt = (signals: ArrayLike<number>) =>
    backtest({
      bars: target,
      signalDates: result.dates,
      signals,
      options: cfg.backtest,
      blocks: result.rowFold,
    });
  const cellBt = result.cells.map((c) => bt(argmaxRows(c.probs)));
  const daily = cellBt.map(backtestDailyReturns);
  const strategies: StrategyReturns[] = [
    ...result.cells.map((c, k) => ({ name: c.key, kind: 'cell' as const, returns: daily[k].strategy })),
    { name: 'majority', kind: 'baseline', returns: backtestDailyReturns(bt(rows.majority)).strategy },
    { name: 'persistence', kind: 'baseline', returns: backtestDailyReturns(bt(rows.persistence)).strategy },
  ];
  return {
    horizonDays: cfg.dataset.horizonDays,
    dates: result.dates,
    labels: result.labels,
    forwardReturns: result.forwardReturns,
    rowFold: result.rowFold,
    cells: result.cells.map((c) => ({
      key: c.key,
      channels: c.channels,
      seeds: c.perSeed.map((s) => ({ seed: s.seed, probs: s.probs })),
    })),
    reference: result.reference,
    baselines,
    classRates: rows.rates,
    strategies,
    buyHold: daily[0].buyHold,
    cashRatePerDay: cellBt[0].cashRatePerDay,
    tradingDaysPerYear: cellBt[0].tradingDaysPerYear,
    bootstrap: {
      reps: cfg.bootstrap.reps,
      level: cfg.bootstrap.level,
      seed: cfg.bootstrap.seed,
      blockLength: cfg.bootstrap.blockLength,
    },
    power,
  };
}

/** The statistics of a runStudy() result in one call. */
export function statisticsOfStudy(
  result: StudyResult,
  bars: Map<string, Bars>,
  power?: StudyStatistics['power'],
): StudyStatistics {
  return studyStatistics(statisticsInputOfStudy(result, bars, power));
}
