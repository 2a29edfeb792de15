/**
 * The study's statistics input (eval/statistics/study-statistics.ts) from its own rows: every cell's seeds, every
 * baseline as chance or a competitor on the same rows (majority, random, persistence, rules, models), every
 * backtested cell and baseline as a strategy (a trial of the DSR and PBO, a model of the SPA), buy-and-hold of the
 * same segments, the fold's training class rates as the Brier reference, and the power analysis when one was run.
 */
import type { StudyStatistics } from '../../../../shared/study-statistics';
import { backtestDailyReturns } from '../stats';
import type { BaselineRows } from '../statistics/chance';
import type { StrategyReturns } from '../statistics/overfitting';
import { studyStatistics, type StudyStatisticsInput } from '../statistics/study-statistics';
import type { EvaluationContext } from './evaluate';
import type { BaselineResult, CellResult, StudyResult } from './result';

export interface StatisticsParts {
  ctx: EvaluationContext;
  cells: CellResult[];
  primary: CellResult;
  reference?: CellResult;
  /** A bar-size or model study's pairs (variant-ablation.ts): its ablation family instead of cells vs reference. */
  pairs?: { cell: CellResult; reference: CellResult }[];
  baselines: BaselineResult[];
  power?: StudyStatistics['power'];
}

/** The DSR's number of trials: every cell and backtested baseline of this study plus the configured prior ones. */
export function trialsOf(p: Pick<StatisticsParts, 'ctx' | 'cells' | 'baselines'>): StudyResult['trials'] {
  const cells = p.cells.length;
  const baselines = p.baselines.filter((b) => b.backtest).length;
  const prior = p.ctx.config.statistics.priorTrials;
  const total = cells + baselines + prior;
  return {
    total,
    cells,
    baselines,
    prior,
    text: `${total} trials: ${cells} CNN cell(s) and ${baselines} backtested baseline(s) of this study${prior ? ` and ${prior} configuration(s) tried before it (statistics.priorTrials)` : ' (statistics.priorTrials: none stated before it)'}`,
  };
}

export function statisticsInput(p: StatisticsParts): StudyStatisticsInput {
  const { ctx } = p;
  const { config, plan } = ctx;
  const random = p.baselines.find((b) => b.rates);
  const chance: BaselineRows[] = p.baselines.flatMap((b): BaselineRows[] =>
    b.pred
      ? [{ name: b.name, kind: 'classes', pred: b.pred }]
      : b.rates
        ? [{ name: b.name, kind: 'rates', rates: b.rates }]
        : [],
  );
  const primaryDaily = backtestDailyReturns(p.primary.backtest);
  const strategies: StrategyReturns[] = [
    ...p.cells.map((c) => ({
      name: c.key,
      kind: 'cell' as const,
      returns: backtestDailyReturns(c.backtest).strategy,
    })),
    ...p.baselines
      .filter((b) => b.backtest)
      .map((b) => ({
        name: b.name,
        kind: 'baseline' as const,
        returns: backtestDailyReturns(b.backtest!).strategy,
      })),
  ];
  return {
    horizonDays: config.dataset.horizonDays,
    dates: plan.rowDates,
    labels: plan.truth,
    forwardReturns: Float64Array.from(plan.rowsCommon, (j) => plan.fwdAll[j]),
    rowFold: plan.rowFold,
    cells: p.cells.map((c) => ({
      key: c.key,
      channels: c.channels,
      seeds: c.perSeed.map((s) => ({ seed: s.seed, probs: s.probs })),
    })),
    reference: p.reference?.key,
    ...(p.pairs ? { pairs: p.pairs.map((x) => ({ cell: x.cell.key, reference: x.reference.key })) } : {}),
    baselines: chance,
    classRates: random?.rates,
    strategies,
    buyHold: primaryDaily.buyHold,
    cashRatePerDay: p.primary.backtest.cashRatePerDay,
    tradingDaysPerYear: p.primary.backtest.tradingDaysPerYear,
    trials: trialsOf(p).total,
    bootstrap: {
      reps: config.bootstrap.reps,
      level: config.bootstrap.level,
      seed: config.bootstrap.seed,
      blockLength: config.bootstrap.blockLength,
    },
    pboBlocks: config.statistics.pboBlocks,
    underfitThreshold: config.statistics.underfitThreshold,
    power: p.power,
  };
}

/** All statistics of the study's rows (see the file comment). */
export function composeStatistics(p: StatisticsParts): StudyStatistics {
  return studyStatistics(statisticsInput(p));
}
