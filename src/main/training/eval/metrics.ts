/** Classification metrics over an out-of-sample series. Classes 0 down, 1 flat, 2 up; unlabeled (-1) rows are skipped. */

export const NUM_CLASSES = 3;

export interface ClassMetrics {
  /** Rows counted (labeled ones only). */
  n: number;
  /** Fractions in [0, 1]. */
  accuracy: number;
  /** Mean recall over the classes that occur in the truth. */
  balancedAccuracy: number;
  /** Mean F1 over the classes that occur in the truth or the predictions (F1 = 0 where undefined). */
  macroF1: number;
  /** Per class; NaN where nothing was predicted as / nothing belongs to that class. */
  precision: number[];
  recall: number[];
  /** confusion[true][predicted], counts. */
  confusion: number[][];
  /** Mean negative log-probability of the true class (natural log); NaN when no probabilities were given. */
  logLoss: number;
}

/** confusion[true][predicted] counts over rows whose truth is a class (>= 0). */
export function confusionMatrix(
  truth: ArrayLike<number>,
  pred: ArrayLike<number>,
  k = NUM_CLASSES,
): number[][] {
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < truth.length; i++) if (truth[i] >= 0) m[truth[i]][pred[i]]++;
  return m;
}

/** Log-loss (natural log) with probabilities clipped to [eps, 1]; probs is row-major n x k. Skips unlabeled rows. */
export function logLoss(
  truth: ArrayLike<number>,
  probs: ArrayLike<number>,
  k = NUM_CLASSES,
  eps = 1e-15,
): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < truth.length; i++) {
    if (truth[i] < 0) continue;
    s -= Math.log(Math.max(eps, probs[i * k + truth[i]]));
    n++;
  }
  return n ? s / n : NaN;
}

/** All metrics from truth and predicted classes (and optionally the n x k probabilities for log-loss). */
export function classMetrics(
  truth: ArrayLike<number>,
  pred: ArrayLike<number>,
  probs?: ArrayLike<number>,
  k = NUM_CLASSES,
): ClassMetrics {
  const c = confusionMatrix(truth, pred, k);
  let n = 0;
  let correct = 0;
  const precision: number[] = [];
  const recall: number[] = [];
  const f1: number[] = [];
  let recallSum = 0;
  let recallCount = 0;
  let f1Sum = 0;
  let f1Count = 0;
  for (let a = 0; a < k; a++) {
    let rowSum = 0;
    let colSum = 0;
    for (let b = 0; b < k; b++) {
      rowSum += c[a][b];
      colSum += c[b][a];
    }
    n += rowSum;
    correct += c[a][a];
    const p = colSum ? c[a][a] / colSum : NaN;
    const r = rowSum ? c[a][a] / rowSum : NaN;
    precision.push(p);
    recall.push(r);
    if (rowSum) {
      recallSum += r;
      recallCount++;
    }
    const f = p > 0 && r > 0 ? (2 * p * r) / (p + r) : 0;
    f1.push(f);
    if (rowSum || colSum) {
      f1Sum += f;
      f1Count++;
    }
  }
  return {
    n,
    accuracy: n ? correct / n : NaN,
    balancedAccuracy: recallCount ? recallSum / recallCount : NaN,
    macroF1: f1Count ? f1Sum / f1Count : NaN,
    precision,
    recall,
    confusion: c,
    logLoss: probs ? logLoss(truth, probs, k) : NaN,
  };
}

/** Index of the largest probability in each row of an n x k matrix (ties: the lowest class). */
export function argmaxRows(probs: ArrayLike<number>, k = NUM_CLASSES): Int8Array {
  const n = Math.floor(probs.length / k);
  const out = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (probs[i * k + j] > probs[i * k + best]) best = j;
    out[i] = best;
  }
  return out;
}
