/**
 * Baselines scored on exactly the same test dates as the network.
 * - majority: the most frequent class of the fold's training labels.
 * - persistence: at t, the label of sample t-H, the last label known at t (its window [t-H, t] ends at t).
 * - random: draws with the training fold's class rates (seeded); report the mean metrics over several draws.
 * - logistic regression: a small seeded multinomial logistic regression in plain TS on the last day's
 *   normalised factors of every channel (standardised on the training fold, balanced class weights, L2,
 *   full-batch Adam). Plain TS rather than the tfjs trainer so it is fast, exact and independent of the backend.
 *   Its L2 penalty is chosen on the fold's validation slice (fitLogisticSelected): with the old fixed 0.01 on
 *   224 collinear factors it fitted the training folds to a log-loss of 0.68-0.96 and scored 1.43 on the test
 *   dates, worse than a uniform guess (ln 3 = 1.0986); class weights were not the cause (1.44 without them).
 * - buy-and-hold lives in backtest.ts.
 */
import { classMetrics, logLoss, NUM_CLASSES, type ClassMetrics } from './metrics';
import { mulberry32 } from '../random';

/** Class counts [down, flat, up] of the labeled samples among indices. */
export function classCounts(labels: ArrayLike<number>, indices: number[]): [number, number, number] {
  const c: [number, number, number] = [0, 0, 0];
  for (const i of indices) if (labels[i] >= 0) c[labels[i]]++;
  return c;
}

/** Most frequent class among the labeled training samples (ties: the lower class). */
export function majorityClass(labels: ArrayLike<number>, trainIdx: number[]): number {
  const c = classCounts(labels, trainIdx);
  let best = 0;
  for (let k = 1; k < NUM_CLASSES; k++) if (c[k] > c[best]) best = k;
  return best;
}

/** Class rates (fractions summing to 1) among the labeled training samples. */
export function classRates(labels: ArrayLike<number>, trainIdx: number[]): [number, number, number] {
  const c = classCounts(labels, trainIdx);
  const n = c[0] + c[1] + c[2];
  return n ? [c[0] / n, c[1] / n, c[2] / n] : [1 / 3, 1 / 3, 1 / 3];
}

/**
 * Persistence: prediction at sample t is labels[t - H], known at t because its window ends at t.
 * Sample indices are consecutive trading days in a daily dataset (t-H samples is at least H trading days back).
 * Where t - H < 0 or unlabeled, `fallback` is used.
 */
export function persistencePredictions(
  labels: ArrayLike<number>,
  testIdx: number[],
  horizonDays: number,
  fallback: number,
): Int8Array {
  const out = new Int8Array(testIdx.length);
  testIdx.forEach((t, k) => {
    const j = t - horizonDays;
    out[k] = j >= 0 && labels[j] >= 0 ? labels[j] : fallback;
  });
  return out;
}

/** One draw of n classes with the given rates. */
export function randomPredictions(rates: ArrayLike<number>, n: number, rng: () => number): Int8Array {
  const out = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    const u = rng();
    out[i] = u < rates[0] ? 0 : u < rates[0] + rates[1] ? 1 : 2;
  }
  return out;
}

/** Element-wise mean of several metric sets (confusion matrices averaged too; NaNs skipped per field). */
export function averageMetrics(list: ClassMetrics[]): ClassMetrics {
  const avg = (xs: number[]) => {
    const f = xs.filter((x) => Number.isFinite(x));
    return f.length ? f.reduce((a, b) => a + b, 0) / f.length : NaN;
  };
  const k = list[0].precision.length;
  return {
    n: list[0].n,
    accuracy: avg(list.map((m) => m.accuracy)),
    balancedAccuracy: avg(list.map((m) => m.balancedAccuracy)),
    macroF1: avg(list.map((m) => m.macroF1)),
    precision: Array.from({ length: k }, (_, j) => avg(list.map((m) => m.precision[j]))),
    recall: Array.from({ length: k }, (_, j) => avg(list.map((m) => m.recall[j]))),
    confusion: Array.from({ length: k }, (_, a) =>
      Array.from({ length: k }, (_, b) => avg(list.map((m) => m.confusion[a][b]))),
    ),
    logLoss: avg(list.map((m) => m.logLoss)),
  };
}

/**
 * Expected metrics of the random baseline: the mean over `draws` seeded draws, where row i is drawn with
 * rates[i] (each row carries its own fold's training rates). The log-loss uses the rates as probabilities.
 */
export function expectedRandomMetrics(
  truth: ArrayLike<number>,
  rates: ArrayLike<number>[],
  draws: number,
  seed: number,
): ClassMetrics {
  const rng = mulberry32(seed);
  const n = truth.length;
  const probs = new Float64Array(n * NUM_CLASSES);
  for (let i = 0; i < n; i++) for (let k = 0; k < NUM_CLASSES; k++) probs[i * NUM_CLASSES + k] = rates[i][k];
  const list: ClassMetrics[] = [];
  for (let d = 0; d < draws; d++) {
    const pred = new Int8Array(n);
    for (let i = 0; i < n; i++) pred[i] = randomPredictions(rates[i], 1, rng)[0];
    list.push(classMetrics(truth, pred, probs));
  }
  return averageMetrics(list);
}

export interface LogisticModel {
  /** Weights, row-major d x k. */
  w: Float64Array;
  b: Float64Array;
  /** Standardisation of the inputs, from the training rows. */
  mean: Float64Array;
  std: Float64Array;
  d: number;
}

export interface LogisticOptions {
  /** L2 penalty on the weights (per sample). */
  l2?: number;
  iterations?: number;
  learningRate?: number;
  /** 'balanced' = n / (3 n_class), as the network's default. */
  classWeights?: 'balanced' | 'none';
}

/** Fits multinomial logistic regression on rows X (n x d, row-major) with labels y in 0..2; full-batch Adam from zero weights. */
export function fitLogistic(
  X: ArrayLike<number>,
  y: ArrayLike<number>,
  d: number,
  opts: LogisticOptions = {},
): LogisticModel {
  const n = y.length;
  const k = NUM_CLASSES;
  const l2 = opts.l2 ?? 1e-2;
  const iters = opts.iterations ?? 300;
  const lr = opts.learningRate ?? 0.05;
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += finite(X[i * d + j]);
  for (let j = 0; j < d; j++) mean[j] /= n || 1;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) std[j] += (finite(X[i * d + j]) - mean[j]) ** 2;
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j] / (n || 1)) || 1;
  const Z = new Float64Array(n * d);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) Z[i * d + j] = (finite(X[i * d + j]) - mean[j]) / std[j];
  const counts = [0, 0, 0];
  for (let i = 0; i < n; i++) counts[y[i]]++;
  const cw = counts.map((c) => (opts.classWeights === 'none' ? 1 : c ? n / (k * c) : 0));
  const wsum = Array.from(y).reduce((a, c) => a + cw[c], 0) || 1;
  const P = d * k + k;
  const theta = new Float64Array(P);
  const m1 = new Float64Array(P);
  const m2 = new Float64Array(P);
  const g = new Float64Array(P);
  // k = 3 unrolled so each row is read once per pass with contiguous weights; sums run in the same order as a
  // class-by-class loop (bias first, then features ascending), so results do not depend on the unrolling
  for (let it = 1; it <= iters; it++) {
    g.fill(0);
    const b0 = theta[d * k];
    const b1 = theta[d * k + 1];
    const b2 = theta[d * k + 2];
    for (let i = 0; i < n; i++) {
      const zi = i * d;
      let s0 = b0;
      let s1 = b1;
      let s2 = b2;
      for (let j = 0, q = 0; j < d; j++, q += 3) {
        const z = Z[zi + j];
        s0 += z * theta[q];
        s1 += z * theta[q + 1];
        s2 += z * theta[q + 2];
      }
      const m = Math.max(s0, s1, s2);
      const x0 = Math.exp(s0 - m);
      const x1 = Math.exp(s1 - m);
      const x2 = Math.exp(s2 - m);
      const tot = x0 + x1 + x2;
      const wi = cw[y[i]] / wsum;
      const e0 = wi * (x0 / tot - (y[i] === 0 ? 1 : 0));
      const e1 = wi * (x1 / tot - (y[i] === 1 ? 1 : 0));
      const e2 = wi * (x2 / tot - (y[i] === 2 ? 1 : 0));
      for (let j = 0, q = 0; j < d; j++, q += 3) {
        const z = Z[zi + j];
        g[q] += e0 * z;
        g[q + 1] += e1 * z;
        g[q + 2] += e2 * z;
      }
      g[d * k] += e0;
      g[d * k + 1] += e1;
      g[d * k + 2] += e2;
    }
    for (let q = 0; q < d * k; q++) g[q] += l2 * theta[q];
    for (let q = 0; q < P; q++) {
      m1[q] = 0.9 * m1[q] + 0.1 * g[q];
      m2[q] = 0.999 * m2[q] + 0.001 * g[q] * g[q];
      const mh = m1[q] / (1 - 0.9 ** it);
      const vh = m2[q] / (1 - 0.999 ** it);
      theta[q] -= (lr * mh) / (Math.sqrt(vh) + 1e-8);
    }
  }
  return { w: theta.slice(0, d * k), b: theta.slice(d * k), mean, std, d };
}

/** The L2 penalties tried on the validation slice, weakest to strongest (per-sample penalty on the weights). */
export const LOGISTIC_L2_GRID = [1e-3, 1e-2, 1e-1, 1, 10, 100];

export interface SelectedLogistic {
  model: LogisticModel;
  l2: number;
  /** Unweighted validation log-loss of the model fitted on the training rows, per grid value. */
  validLoss: number[];
  grid: number[];
}

/**
 * Chooses the L2 penalty on a validation slice and refits: for each grid value, fit on the training rows and
 * score the validation rows by log-loss (the study's probability metric, unweighted); then fit on training +
 * validation rows with the best value (ties: the stronger penalty). Without validation rows, `fallbackL2`.
 */
export function fitLogisticSelected(
  train: { X: ArrayLike<number>; y: ArrayLike<number> },
  valid: { X: ArrayLike<number>; y: ArrayLike<number> },
  d: number,
  opts: Omit<LogisticOptions, 'l2'> & { grid?: number[]; fallbackL2?: number } = {},
): SelectedLogistic {
  const grid = opts.grid ?? LOGISTIC_L2_GRID;
  const validLoss: number[] = [];
  let l2 = opts.fallbackL2 ?? 1;
  if (valid.y.length > 0) {
    let best = Infinity;
    for (const g of grid) {
      const m = fitLogistic(train.X, train.y, d, { ...opts, l2: g });
      const loss = logLoss(valid.y, predictLogistic(m, valid.X));
      validLoss.push(loss);
      if (loss <= best) {
        best = loss;
        l2 = g;
      }
    }
  }
  const nt = train.y.length;
  const nv = valid.y.length;
  const X = new Float64Array((nt + nv) * d);
  for (let i = 0; i < nt * d; i++) X[i] = train.X[i];
  for (let i = 0; i < nv * d; i++) X[nt * d + i] = valid.X[i];
  const y = new Int8Array(nt + nv);
  for (let i = 0; i < nt; i++) y[i] = train.y[i];
  for (let i = 0; i < nv; i++) y[nt + i] = valid.y[i];
  return { model: fitLogistic(X, y, d, { ...opts, l2 }), l2, validLoss, grid };
}

/** Class probabilities (n x 3, row-major) of rows X (n x d) under a fitted model. */
export function predictLogistic(model: LogisticModel, X: ArrayLike<number>): Float64Array {
  const { d } = model;
  const n = Math.floor(X.length / d);
  const k = NUM_CLASSES;
  const theta = new Float64Array(d * k + k);
  theta.set(model.w);
  theta.set(model.b, d * k);
  const z = new Float64Array(d);
  const out = new Float64Array(n * k);
  const p = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) z[j] = (finite(X[i * d + j]) - model.mean[j]) / model.std[j];
    softmaxRow(z, 0, d, theta, p);
    out.set(p, i * k);
  }
  return out;
}

function finite(x: number): number {
  return Number.isFinite(x) ? x : 0;
}

function softmaxRow(Z: ArrayLike<number>, i: number, d: number, theta: Float64Array, p: Float64Array): void {
  const k = p.length;
  let max = -Infinity;
  for (let c = 0; c < k; c++) {
    let s = theta[d * k + c];
    for (let j = 0; j < d; j++) s += Z[i * d + j] * theta[j * k + c];
    p[c] = s;
    if (s > max) max = s;
  }
  let tot = 0;
  for (let c = 0; c < k; c++) {
    p[c] = Math.exp(p[c] - max);
    tot += p[c];
  }
  for (let c = 0; c < k; c++) p[c] /= tot;
}
