/**
 * Multi-class Brier score (Brier 1950, "Verification of forecasts expressed in terms of probability", Monthly
 * Weather Review 78(1), eq. 1): BS = (1/n) Σ_i Σ_k (p_ik - o_ik)², o_ik = 1 if row i is of class k. 0 is perfect;
 * always predicting the uniform (1/3, 1/3, 1/3) scores 2/3 whatever happens; the range is [0, 2].
 */
import { NUM_CLASSES } from '../metrics';

/** Brier score over the labeled rows (truth >= 0) of n x k row-major probabilities. */
export function brierScore(truth: ArrayLike<number>, probs: ArrayLike<number>, k = NUM_CLASSES): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < truth.length; i++) {
    if (truth[i] < 0) continue;
    for (let c = 0; c < k; c++) s += (probs[i * k + c] - (truth[i] === c ? 1 : 0)) ** 2;
    n++;
  }
  return n ? s / n : NaN;
}

/**
 * Brier score of the climatological forecast: every row gets its own class rates (e.g. the training fold's), the
 * reference a skill score is measured against: BSS = 1 - BS / BS_ref.
 */
export function brierOfRates(
  truth: ArrayLike<number>,
  rates: ArrayLike<ArrayLike<number>>,
  k = NUM_CLASSES,
): number {
  const flat = new Float64Array(truth.length * k);
  for (let i = 0; i < truth.length; i++) for (let c = 0; c < k; c++) flat[i * k + c] = rates[i][c];
  return brierScore(truth, flat, k);
}
