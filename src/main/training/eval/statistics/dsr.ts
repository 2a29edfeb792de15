/**
 * Deflated Sharpe Ratio (Bailey & López de Prado 2014, "The deflated Sharpe ratio: correcting for selection bias,
 * backtest overfitting and non-normality", Journal of Portfolio Management 40(5), eq. 2 and the expected maximum
 * of N Sharpe ratios below it):
 *
 *   SR₀ = sqrt(V[{SR_n}]) ( (1 - γ) Φ⁻¹(1 - 1/N) + γ Φ⁻¹(1 - 1/(N e)) ),   DSR = PSR(SR₀)
 *
 * with γ the Euler–Mascheroni constant, N the number of independent trials and V the variance of the trials'
 * per-period Sharpe ratios: the PSR of the best trial against the Sharpe ratio the best of N skill-less trials
 * would be expected to reach.
 */
import { EULER_GAMMA, normalQuantile } from './normal';
import { probabilisticSharpeRatio, returnMoments } from './psr';

/** Expected maximum per-period Sharpe ratio of N skill-less trials whose Sharpe ratios have variance `variance`. */
export function expectedMaxSharpe(trials: number, variance: number): number {
  if (trials < 2) return 0;
  return (
    Math.sqrt(variance) *
    ((1 - EULER_GAMMA) * normalQuantile(1 - 1 / trials) +
      EULER_GAMMA * normalQuantile(1 - 1 / (trials * Math.E)))
  );
}

export interface DeflatedSharpe {
  /** Per-period Sharpe ratio of the tested (best) trial. */
  sharpe: number;
  /** The deflation benchmark SR₀ (per period). */
  sr0: number;
  dsr: number;
  trials: number;
  /** Variance of the trials' per-period Sharpe ratios (n - 1). */
  variance: number;
  n: number;
  skewness: number;
  kurtosis: number;
}

/** DSR from the summary numbers of the paper (per-period Sharpe ratios). */
export function deflatedSharpeRatio(
  sharpe: number,
  trials: number,
  variance: number,
  n: number,
  skewness: number,
  kurtosis: number,
): number {
  return probabilisticSharpeRatio(sharpe, expectedMaxSharpe(trials, variance), n, skewness, kurtosis);
}

/**
 * DSR of the best of several trials' return series (all of the same dates): the trial with the highest per-period
 * Sharpe ratio is tested against SR₀ from the variance of all trials' Sharpe ratios. `trials` may exceed the series
 * given when more configurations were tried than kept.
 */
export function deflatedSharpeOfTrials(
  trialReturns: ArrayLike<number>[],
  trials = trialReturns.length,
): DeflatedSharpe & { best: number } {
  if (trialReturns.length === 0) throw new Error('deflatedSharpeOfTrials: no trials');
  const moments = trialReturns.map((r) => returnMoments(r));
  const srs = moments.map((m) => m.sharpe).filter((s) => Number.isFinite(s));
  const mean = srs.reduce((a, b) => a + b, 0) / (srs.length || 1);
  const variance = srs.length > 1 ? srs.reduce((a, s) => a + (s - mean) ** 2, 0) / (srs.length - 1) : 0;
  let best = 0;
  moments.forEach((m, i) => {
    if (!(moments[best].sharpe >= m.sharpe)) best = i;
  });
  const m = moments[best];
  const sr0 = expectedMaxSharpe(trials, variance);
  return {
    best,
    sharpe: m.sharpe,
    sr0,
    dsr: probabilisticSharpeRatio(m.sharpe, sr0, m.n, m.skewness, m.kurtosis),
    trials,
    variance,
    n: m.n,
    skewness: m.skewness,
    kurtosis: m.kurtosis,
  };
}
