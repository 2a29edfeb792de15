/**
 * Multiclass gradient boosting with a softmax loss (Friedman 2001, "Greedy function approximation", algorithm 6,
 * LK_TreeBoost; second-order leaf values as in XGBoost and LightGBM): per round, one tree per class on the
 * gradients g_k = w (p_k - y_k) and hessians h_k = w * K/(K-1) * p_k (1 - p_k) of the scores before the round
 * (LightGBM's MulticlassSoftmax, including its K/(K-1) hessian factor). Scores start from the log of the
 * weighted class rates (LightGBM's boost_from_average). Rows are bagged and features sampled per round / per tree
 * from seeded streams, so the same data, parameters and seed give the same model bit for bit.
 *
 * Early stopping watches the (weighted) multiclass log-loss of a validation set and keeps the rounds up to the
 * best one. Why our own code and not a package: the npm registry has no maintained JS/wasm GBDT that does
 * multiclass with early stopping and seeding without a native build (see the report in bench/README.md).
 */
import { ConfigError } from '../../../shared/errors';
import { Prng, deriveState } from '../random';
import { binMatrix, fitBins, type BinMapper } from './bins';
import { growTree, histLayout, leafOf, TreeWorkspace, type Tree, type TreeParams } from './tree';

export interface GbdtParams extends TreeParams {
  /** Maximum boosting rounds (each adds one tree per class). */
  numRounds: number;
  learningRate: number;
  /** Fraction of features each tree may split on. */
  featureFraction: number;
  /** Fraction of rows (without replacement) each round trains on; 1 = all. */
  baggingFraction: number;
  /** Stop after this many rounds without a better validation log-loss (0 = never; needs a validation set). */
  earlyStoppingRounds: number;
  /** Bins per feature including the missing-value bin (LightGBM's max_bin counts value bins only). */
  maxBin: number;
  seed: number;
}

/**
 * Defaults sized for a few thousand strongly autocorrelated daily rows with hundreds of features: small trees,
 * a slow learning rate, many rows per leaf, row and feature subsampling. Not tuned on any test period.
 */
export const DEFAULT_GBDT: GbdtParams = {
  numRounds: 500,
  learningRate: 0.05,
  numLeaves: 15,
  maxDepth: -1,
  minDataInLeaf: 50,
  minSumHessianInLeaf: 1e-3,
  lambdaL2: 1,
  minGainToSplit: 0,
  featureFraction: 0.5,
  baggingFraction: 0.8,
  earlyStoppingRounds: 30,
  maxBin: 64,
  seed: 1,
};

export interface GbdtModel {
  numClass: number;
  mapper: BinMapper;
  /** Initial score of each class. */
  init: Float64Array;
  /** trees[round][class] (null: a class absent from the training rows is never trained). */
  trees: (Tree | null)[][];
  /** Rounds kept (the best validation round, or all without early stopping). */
  bestRounds: number;
  /** Validation log-loss after each round (empty without a validation set). */
  validLoss: number[];
  stoppedEarly: boolean;
}

export interface GbdtData {
  /** Row-major n x d. */
  X: ArrayLike<number>;
  /** Classes 0..numClass-1 (no unlabeled rows). */
  y: ArrayLike<number>;
  /** Per-row weights (default 1). */
  weights?: ArrayLike<number>;
}

function check(p: GbdtParams): void {
  const bad = (field: string, msg: string) => {
    throw new ConfigError(`gbdt.${field}`, msg);
  };
  if (!(p.numRounds >= 1)) bad('numRounds', `must be >= 1, got ${p.numRounds}`);
  if (!(p.learningRate > 0)) bad('learningRate', `must be > 0, got ${p.learningRate}`);
  if (!(p.numLeaves >= 2)) bad('numLeaves', `must be >= 2, got ${p.numLeaves}`);
  if (!(p.featureFraction > 0 && p.featureFraction <= 1))
    bad('featureFraction', `must be in (0, 1], got ${p.featureFraction}`);
  if (!(p.baggingFraction > 0 && p.baggingFraction <= 1))
    bad('baggingFraction', `must be in (0, 1], got ${p.baggingFraction}`);
  if (!(p.minDataInLeaf >= 1)) bad('minDataInLeaf', `must be >= 1, got ${p.minDataInLeaf}`);
  if (!(p.lambdaL2 >= 0)) bad('lambdaL2', `must be >= 0, got ${p.lambdaL2}`);
}

/** First k of a seeded partial Fisher-Yates shuffle of 0..n-1, sorted ascending. */
function sample(n: number, k: number, rng: Prng): Int32Array {
  const a = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a.subarray(0, k).sort();
}

function softmaxInPlace(s: Float64Array, o: number, K: number, out: Float64Array): void {
  let m = -Infinity;
  for (let k = 0; k < K; k++) if (s[o + k] > m) m = s[o + k];
  let tot = 0;
  for (let k = 0; k < K; k++) {
    out[k] = Math.exp(s[o + k] - m);
    tot += out[k];
  }
  for (let k = 0; k < K; k++) out[k] /= tot;
}

function weightedLogLoss(
  scores: Float64Array,
  y: ArrayLike<number>,
  w: ArrayLike<number> | undefined,
  K: number,
): number {
  const p = new Float64Array(K);
  let s = 0;
  let ws = 0;
  for (let i = 0; i < y.length; i++) {
    softmaxInPlace(scores, i * K, K, p);
    const wi = w ? w[i] : 1;
    s -= wi * Math.log(Math.max(1e-15, p[y[i]]));
    ws += wi;
  }
  return ws > 0 ? s / ws : NaN;
}

/** Fits the booster (see the file comment). Bin edges come from the training rows only. */
export function fitGbdt(
  train: GbdtData,
  d: number,
  params: Partial<GbdtParams> = {},
  valid?: GbdtData,
  numClass = 3,
): GbdtModel {
  const p: GbdtParams = { ...DEFAULT_GBDT, ...params };
  check(p);
  const K = numClass;
  const n = train.y.length;
  if (n === 0) throw new ConfigError('gbdt', 'no training rows');
  if (train.X.length !== n * d)
    throw new ConfigError('gbdt', `X has ${train.X.length} values, expected ${n} x ${d}`);
  const mapper = fitBins(train.X, d, p.maxBin);
  const bins = binMatrix(mapper, train.X, d);
  const layout = histLayout(n, mapper.binCount);
  const ws = new TreeWorkspace(layout, p.numLeaves);
  const w = train.weights ?? new Float64Array(n).fill(1);

  const prior = new Float64Array(K);
  let wsum = 0;
  for (let i = 0; i < n; i++) {
    const c = train.y[i];
    if (!(Number.isInteger(c) && c >= 0 && c < K))
      throw new ConfigError('gbdt', `training label ${c} at row ${i} is not a class 0..${K - 1}`);
    prior[c] += w[i];
    wsum += w[i];
  }
  const init = Float64Array.from(prior, (q) => Math.log(Math.max(1e-15, q / wsum)));
  const trainable = Array.from(prior, (q) => q > 0 && q < wsum);

  const scores = new Float64Array(n * K);
  for (let i = 0; i < n; i++) scores.set(init, i * K);
  const vn = valid?.y.length ?? 0;
  const vbins = valid ? binMatrix(mapper, valid.X, d) : undefined;
  const vscores = new Float64Array(vn * K);
  for (let i = 0; i < vn; i++) vscores.set(init, i * K);

  const grad = Array.from({ length: K }, () => new Float64Array(n));
  const hess = Array.from({ length: K }, () => new Float64Array(n));
  const prob = new Float64Array(K);
  const factor = K / (K - 1);
  const bagSize = Math.max(1, Math.floor(n * p.baggingFraction));
  const featSize = Math.max(1, Math.round(d * p.featureFraction));
  const trees: (Tree | null)[][] = [];
  const validLoss: number[] = [];
  let best = Infinity;
  let bestRound = 0;
  let stoppedEarly = false;

  for (let round = 0; round < p.numRounds; round++) {
    for (let i = 0; i < n; i++) {
      softmaxInPlace(scores, i * K, K, prob);
      const yi = train.y[i];
      for (let k = 0; k < K; k++) {
        grad[k][i] = w[i] * (prob[k] - (yi === k ? 1 : 0));
        hess[k][i] = w[i] * factor * prob[k] * (1 - prob[k]);
      }
    }
    const rows =
      bagSize < n
        ? sample(n, bagSize, new Prng(deriveState(p.seed, round, 1)))
        : Int32Array.from({ length: n }, (_, i) => i);
    const roundTrees: (Tree | null)[] = [];
    for (let k = 0; k < K; k++) {
      if (!trainable[k]) {
        roundTrees.push(null);
        continue;
      }
      const feats =
        featSize < d
          ? sample(d, featSize, new Prng(deriveState(p.seed, round, 2 + k)))
          : Int32Array.from({ length: d }, (_, i) => i);
      const tree = growTree(bins, ws, rows, feats, grad[k], hess[k], p, p.learningRate);
      roundTrees.push(tree);
      for (let i = 0; i < n; i++) scores[i * K + k] += tree.leafValue[leafOf(tree, bins, n, i)];
      for (let i = 0; i < vn; i++) vscores[i * K + k] += tree.leafValue[leafOf(tree, vbins!, vn, i)];
    }
    trees.push(roundTrees);
    if (valid && vn > 0) {
      const loss = weightedLogLoss(vscores, valid.y, valid.weights, K);
      validLoss.push(loss);
      if (loss < best) {
        best = loss;
        bestRound = round + 1;
      } else if (p.earlyStoppingRounds > 0 && round + 1 - bestRound >= p.earlyStoppingRounds) {
        stoppedEarly = true;
        break;
      }
    }
  }
  const bestRounds = valid && vn > 0 ? bestRound : trees.length;
  return {
    numClass: K,
    mapper,
    init,
    trees: trees.slice(0, bestRounds),
    bestRounds,
    validLoss,
    stoppedEarly,
  };
}

/** Class probabilities (n x numClass, row-major) of rows X (n x d). */
export function predictGbdt(model: GbdtModel, X: ArrayLike<number>, d: number): Float64Array {
  const K = model.numClass;
  const n = Math.floor(X.length / d);
  const bins = binMatrix(model.mapper, X, d);
  const scores = new Float64Array(n * K);
  for (let i = 0; i < n; i++) scores.set(model.init, i * K);
  for (const round of model.trees)
    for (let k = 0; k < K; k++) {
      const t = round[k];
      if (t) for (let i = 0; i < n; i++) scores[i * K + k] += t.leafValue[leafOf(t, bins, n, i)];
    }
  const out = new Float64Array(n * K);
  const p = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    softmaxInPlace(scores, i * K, K, p);
    out.set(p, i * K);
  }
  return out;
}

/** Number of splits on each feature over the kept trees (LightGBM's importance_type='split'). */
export function splitCounts(model: GbdtModel, d: number): Int32Array {
  const c = new Int32Array(d);
  for (const round of model.trees) for (const t of round) if (t) for (const f of t.feature) c[f]++;
  return c;
}
