/**
 * The baselines of a study, scored on exactly the study rows like the CNN cells: a list of named baseline
 * functions. Each sees the plan (folds, labels, rows), the primary cell's dataset and the feature table, and
 * returns a class per study row (with probabilities when it has them) — scored, bootstrapped and backtested like a
 * cell, and a trial of the overfitting statistics — or, for the random draw, per-row class rates whose metrics are
 * exact expectations. A new baseline is one more entry in studyBaselines(); it must fit on each fold's training
 * (and validation) samples only.
 *
 * The list: majority and random (chance on the same rows), persistence, time-series momentum, the moving-average
 * trend filter, the logistic regression with its L2 chosen on the validation slice, and gradient-boosted trees on
 * the feature table (eval/fold-baselines.ts). The fitted models are cached per fold in <outDir>/baselines.
 */
import type { Bars } from '../../../../shared/domain';
import type { FactorDataset } from '../../images/dataset';
import { labelKnownAfterDays } from '../../labels/labels';
import { buildFeatureTable, type FeatureTable } from '../../tabular/table';
import { type BacktestResult } from '../backtest';
import { classRates, expectedRandomMetrics, majorityClass, persistencePredictions } from '../baselines';
import {
  gbdtBaseline,
  logisticBaseline,
  momentumBaseline,
  trendBaseline,
  type BaselineRows,
  type FoldBaseline,
  type FoldRows,
} from '../fold-baselines';
import { classMetrics, type ClassMetrics } from '../metrics';
import { expectedRandomBalancedAccuracy } from '../statistics/chance';
import { strategyStats, type EvaluationContext } from './evaluate';
import { cachedFoldBaseline } from './baseline-cache';
import type { BaselineResult, CellResult } from './result';

export interface BaselineContext {
  eval: EvaluationContext;
  /** The primary cell and its dataset: the baselines read the same channels the headline CNN reads. */
  primary: CellResult;
  primaryDs: FactorDataset;
  /** Bars of every index, for the feature table's index features. */
  bars?: Map<string, Bars>;
  /** Folder of the baselines' fold cache; none = no cache. */
  cacheDir?: string;
  log?: (line: string) => void;
}

export type BaselineOutput =
  | { pred: Int8Array; probs?: Float64Array; info?: Record<string, number | string>[] }
  /** Metrics the baseline computes itself (the random draw's expectation), with the per-row rates behind them. */
  | { metrics: ClassMetrics; rates?: number[][] };

export interface StudyBaseline {
  /** Stable id (translations, the app): majority, persistence, random, momentum, trend, logistic, gbdt. */
  id: string;
  name: string;
  /** Parameters shown beside the name (e.g. { days: '14+60' }). */
  params?: Record<string, number | string>;
  describe(b: BaselineContext): string;
  /** The numbers in the description, for a translated one (the app's `studyResults.descriptions.<id>`). */
  describeParams?(b: BaselineContext): Record<string, number | string>;
  run(b: BaselineContext): BaselineOutput;
}

/** A per-fold constant (or per-row value) spread over each fold's study rows, in row order. */
function perFoldRows<T>(
  b: BaselineContext,
  of: (fold: EvaluationContext['plan']['folds'][number]) => T,
): T[] {
  const out: T[] = [];
  for (const f of b.eval.plan.folds) {
    const v = of(f);
    for (let k = 0; k < f.test.length + f.predictOnly.length; k++) out.push(v);
  }
  return out;
}

export const majority: StudyBaseline = {
  id: 'majority',
  name: 'majority',
  describe: () => "the training fold's most frequent class",
  run: (b) => ({
    pred: Int8Array.from(perFoldRows(b, (f) => majorityClass(b.eval.plan.labelsAll, f.train))),
  }),
};

export const persistence: StudyBaseline = {
  id: 'persistence',
  name: 'persistence',
  describe: (b) => {
    const lag = labelKnownAfterDays(b.eval.config.dataset.horizonDays, b.eval.config.dataset.labelPrice);
    return `the label of t-${lag}, the last label known at the close of t`;
  },
  describeParams: (b) => ({
    lag: labelKnownAfterDays(b.eval.config.dataset.horizonDays, b.eval.config.dataset.labelPrice),
  }),
  run: (b) => ({
    pred: persistencePredictions(
      b.eval.plan.labelsAll,
      b.eval.plan.rowsCommon,
      labelKnownAfterDays(b.eval.config.dataset.horizonDays, b.eval.config.dataset.labelPrice),
      1,
    ),
  }),
};

export const random: StudyBaseline = {
  id: 'random',
  name: 'random',
  describe: () =>
    "draws with the training fold's class rates: balanced accuracy its exact expectation, the other metrics the mean of seeded draws",
  run: (b) => {
    const rowRates = perFoldRows(b, (f) => classRates(b.eval.plan.labelsAll, f.train));
    const labeledRates = b.eval.plan.labeledRows.map((r) => rowRates[r]);
    const metrics = expectedRandomMetrics(
      b.eval.labeledTruth,
      labeledRates,
      b.eval.config.randomDraws,
      b.eval.config.bootstrap.seed,
    );
    // by linearity the expected balanced accuracy is exact (statistics/chance.ts): no draws needed for it
    metrics.balancedAccuracy = expectedRandomBalancedAccuracy(b.eval.labeledTruth, labeledRates);
    return { metrics, rates: rowRates };
  },
};

/** The feature table of the primary cell over the study's common dates, built once per study. */
const tables = new WeakMap<BaselineContext, FeatureTable>();
function tableOf(b: BaselineContext): FeatureTable {
  let t = tables.get(b);
  if (!t) {
    const tab = b.eval.config.baselines.tabular;
    t = buildFeatureTable(b.primaryDs, b.eval.plan.common, b.bars, {
      lagsDays: tab.lagsDays,
      alpha: tab.alpha,
    });
    b.log?.(`feature table: ${t.dates.length} dates x ${t.columns.length} columns`);
    tables.set(b, t);
  }
  return t;
}

/** A fold baseline (eval/fold-baselines.ts) as a study baseline: fitted per fold, its rows in study order. */
export function foldStudyBaseline(
  id: string,
  fb: FoldBaseline,
  params?: Record<string, number | string>,
): StudyBaseline {
  return {
    id,
    name: fb.name,
    params,
    describe: (b) =>
      fb.needsTable
        ? `${fb.description}; features of ${b.primary.channels.join('+')} (seed ${b.eval.config.seeds[0]})`
        : fb.description,
    describeParams: (b) => ({
      ...fb.descriptionParams,
      ...(fb.needsTable ? { channels: b.primary.channels.join('+'), seed: b.eval.config.seeds[0] } : {}),
    }),
    run: (b) => {
      const { plan, config } = b.eval;
      const folds: FoldRows[] = plan.folds.map((f) => ({
        train: f.train,
        val: f.val,
        test: [...f.test, ...f.predictOnly],
      }));
      const rows = (): BaselineRows => ({
        dates: plan.common,
        labels: plan.labelsAll,
        targetDaily: b.primaryDs.targetDaily,
        table: fb.needsTable ? tableOf(b) : undefined,
      });
      const out = cachedFoldBaseline(fb, rows, folds, config.seeds[0], {
        dir: fb.needsTable ? b.cacheDir : undefined,
        key: {
          id,
          dataset: b.primaryDs.config,
          tabular: config.baselines.tabular,
          fingerprint: plan.fingerprint,
        },
        dates: plan.common,
        log: b.log,
      });
      return { pred: out.pred, probs: out.probs, info: out.info };
    },
  };
}

/** The study's baselines for a config, in report order. */
export function studyBaselines(config: EvaluationContext['config']): StudyBaseline[] {
  const c = config.baselines;
  const horizons = c.momentumHorizonsDays ?? [config.dataset.horizonDays, 60];
  if (c.include === 'chance') return [majority, random];
  const list: StudyBaseline[] = [
    majority,
    persistence,
    random,
    foldStudyBaseline('momentum', momentumBaseline(horizons), { days: horizons.join('+') }),
    foldStudyBaseline('trend', trendBaseline(c.trendWindowDays), { days: c.trendWindowDays }),
  ];
  if (c.include === 'all') {
    list.push(foldStudyBaseline('logistic', logisticBaseline({ grid: c.logisticL2Grid })));
    if (c.gbdt !== false) list.push(foldStudyBaseline('gbdt', gbdtBaseline(c.gbdt)));
  }
  return list;
}

/** Runs and scores each baseline on the study rows (intervals come later, with the study's block length). */
export function runBaselines(b: BaselineContext, list?: StudyBaseline[]): BaselineResult[] {
  const truth = b.eval.plan.truth;
  return (list ?? studyBaselines(b.eval.config)).map((baseline) => {
    const t0 = Date.now();
    const out = baseline.run(b);
    const description = baseline.describe(b);
    const descriptionParams = baseline.describeParams?.(b);
    const common = {
      id: baseline.id,
      name: baseline.name,
      params: baseline.params,
      description,
      descriptionParams,
    };
    let result: BaselineResult;
    if ('metrics' in out) result = { ...common, metrics: out.metrics, rates: out.rates };
    else {
      const bt: BacktestResult = b.eval.backtest(out.pred);
      result = {
        ...common,
        metrics: classMetrics(truth, out.pred, out.probs),
        pred: out.pred,
        probs: out.probs,
        info: out.info,
        backtest: bt,
        stats: strategyStats(bt),
      };
    }
    const s = (Date.now() - t0) / 1000;
    if (s > 1) b.log?.(`baseline ${baseline.name}: ${s.toFixed(1)} s`);
    return result;
  });
}
