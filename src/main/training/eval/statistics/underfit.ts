/**
 * Underfitting warning: the distribution of the top-class probability max_k p_ik. A 3-class model that learned
 * nothing sits at 1/3; one whose median top-class probability stays below `threshold` (default 0.40, a convention
 * of this project: within 0.067 of uniform) barely moves off the uniform forecast, so its accuracy says little
 * about the signal either way.
 */
import { quantileSorted } from '../bootstrap';
import { NUM_CLASSES } from '../metrics';

export interface TopClassProbability {
  median: number;
  /** 5 % and 95 % quantiles (type 7). */
  p05: number;
  p95: number;
  n: number;
  threshold: number;
  /** median < threshold. */
  underfit: boolean;
}

/** Quantiles of the highest class probability of each row of n x 3 probabilities (rows with NaN skipped). */
export function topClassProbability(probs: ArrayLike<number>, threshold = 0.4): TopClassProbability {
  const n = Math.floor(probs.length / NUM_CLASSES);
  const top: number[] = [];
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let c = 0; c < NUM_CLASSES; c++) m = Math.max(m, probs[i * NUM_CLASSES + c]);
    if (Number.isFinite(m)) top.push(m);
  }
  const s = Float64Array.from(top).sort();
  const median = s.length ? quantileSorted(s, 0.5) : NaN;
  return {
    median,
    p05: s.length ? quantileSorted(s, 0.05) : NaN,
    p95: s.length ? quantileSorted(s, 0.95) : NaN,
    n: s.length,
    threshold,
    underfit: median < threshold,
  };
}
