/**
 * The baselines of a study, scored on exactly the study rows like the CNN cells: a list of named baseline
 * functions. Each sees the plan (folds, labels, rows) and the primary cell's dataset, and returns a class per
 * study row (with probabilities when it has them: scored, bootstrapped and backtested), or metrics it computed
 * itself (the random baseline's expectation). A new baseline is one more entry in STUDY_BASELINES; it must fit
 * on each fold's training (and validation) samples only.
 */
import type { FactorDataset } from '../../images/dataset';
import {
  classRates,
  expectedRandomMetrics,
  fitLogistic,
  majorityClass,
  persistencePredictions,
  predictLogistic,
} from '../baselines';
import { argmaxRows, classMetrics, NUM_CLASSES, type ClassMetrics } from '../metrics';
import { strategyStats, type EvaluationContext } from './evaluate';
import type { BaselineResult, CellResult } from './result';

export interface BaselineContext {
  eval: EvaluationContext;
  /** The primary cell and its dataset: the baselines read the same channels the headline CNN reads. */
  primary: CellResult;
  primaryDs: FactorDataset;
}

export type BaselineOutput =
  | { pred: Int8Array; probs?: Float64Array }
  /** Metrics the baseline computes itself: reported without an interval or a backtest. */
  | { metrics: ClassMetrics };

export interface StudyBaseline {
  name: string;
  describe(b: BaselineContext): string;
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
  name: 'majority',
  describe: () => "the training fold's most frequent class",
  run: (b) => ({
    pred: Int8Array.from(perFoldRows(b, (f) => majorityClass(b.eval.plan.labelsAll, f.train))),
  }),
};

export const persistence: StudyBaseline = {
  name: 'persistence',
  describe: (b) => `the label of t-${b.eval.config.dataset.horizonDays}, the last label known at t`,
  run: (b) => ({
    pred: persistencePredictions(
      b.eval.plan.labelsAll,
      b.eval.plan.rowsCommon,
      b.eval.config.dataset.horizonDays,
      1,
    ),
  }),
};

export const random: StudyBaseline = {
  name: 'random',
  describe: (b) =>
    `draws with the training fold's class rates, mean of ${b.eval.config.randomDraws} seeded draws`,
  run: (b) => {
    const rowRates = perFoldRows(b, (f) => classRates(b.eval.plan.labelsAll, f.train));
    return {
      metrics: expectedRandomMetrics(
        b.eval.labeledTruth,
        b.eval.plan.labeledRows.map((r) => rowRates[r]),
        b.eval.config.randomDraws,
        b.eval.config.bootstrap.seed,
      ),
    };
  },
};

export const logisticRegression: StudyBaseline = {
  name: 'logistic regression',
  describe: (b) =>
    `multinomial logistic regression on the last day's ${b.primaryDs.lastBarSize} normalised factors (${b.primary.channels.join('+')}), plain TS, balanced class weights`,
  run: (b) => {
    const { plan } = b.eval;
    const ds = b.primaryDs;
    const at = new Map(ds.dates.map((d, i) => [d, i] as const));
    const d = ds.lastBarSize;
    const probs = new Float64Array(plan.rowsCommon.length * NUM_CLASSES);
    let r = 0;
    for (const f of plan.folds) {
      // fitted on the fold's training + validation samples, the last day's factors of each
      const fitIdx = [...f.train, ...f.val];
      const X = new Float32Array(fitIdx.length * d);
      fitIdx.forEach((j, k) => ds.fillLastBar(at.get(plan.common[j])!, X, k * d));
      const lr = fitLogistic(X, Int8Array.from(fitIdx.map((j) => plan.labelsAll[j])), d);
      const testRows = [...f.test, ...f.predictOnly];
      const XT = new Float32Array(testRows.length * d);
      testRows.forEach((j, k) => ds.fillLastBar(at.get(plan.common[j])!, XT, k * d));
      probs.set(predictLogistic(lr, XT), r * NUM_CLASSES);
      r += testRows.length;
    }
    return { pred: argmaxRows(probs), probs };
  },
};

export const STUDY_BASELINES: StudyBaseline[] = [majority, persistence, random, logisticRegression];

/** Runs and scores each baseline on the study rows. */
export function runBaselines(b: BaselineContext, list: StudyBaseline[] = STUDY_BASELINES): BaselineResult[] {
  const truth = b.eval.plan.truth;
  return list.map((baseline) => {
    const out = baseline.run(b);
    const description = baseline.describe(b);
    if ('metrics' in out) return { name: baseline.name, description, metrics: out.metrics };
    const result: BaselineResult = {
      name: baseline.name,
      description,
      metrics: classMetrics(truth, out.pred, out.probs),
      ci: b.eval.intervals(out.pred, out.probs),
    };
    result.stats = strategyStats(b.eval.backtest(out.pred));
    return result;
  });
}
