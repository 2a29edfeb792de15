/**
 * Probabilistic Sharpe Ratio (Bailey & López de Prado 2012, "The Sharpe ratio efficient frontier", Journal of
 * Risk 15(2), eq. 11; the variance of the Sharpe estimate is Mertens 2002):
 *
 *   PSR(SR*) = Φ( (ŜR - SR*) sqrt(T - 1) / sqrt(1 - γ̂₃ ŜR + (γ̂₄ - 1)/4 ŜR²) )
 *
 * the probability that the true Sharpe ratio exceeds SR*, from T returns with skewness γ̂₃ and kurtosis γ̂₄
 * (not excess: 3 for a normal). ŜR and SR* are per period (daily here), never annualised.
 */
import { normalCdf } from './normal';

export interface ReturnMoments {
  /** Observations. */
  n: number;
  mean: number;
  /** Sample standard deviation (n - 1). */
  sd: number;
  /** Per-period Sharpe ratio mean / sd (NaN when sd = 0). */
  sharpe: number;
  /** Moment skewness m3 / m2^1.5 and kurtosis m4 / m2² (biased moment estimators, as in the paper). */
  skewness: number;
  kurtosis: number;
}

/** Mean, sd, per-period Sharpe, skewness and kurtosis of the finite values of a return series. */
export function returnMoments(returns: ArrayLike<number>): ReturnMoments {
  const x = Array.from(returns).filter((v) => Number.isFinite(v));
  const n = x.length;
  const mean = x.reduce((a, b) => a + b, 0) / (n || 1);
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (const v of x) {
    const d = v - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  const sd = n > 1 ? Math.sqrt(m2 / (n - 1)) : NaN;
  m2 /= n || 1;
  m3 /= n || 1;
  m4 /= n || 1;
  return {
    n,
    mean,
    sd,
    sharpe: sd > 0 ? mean / sd : NaN,
    skewness: m2 > 0 ? m3 / m2 ** 1.5 : NaN,
    kurtosis: m2 > 0 ? m4 / (m2 * m2) : NaN,
  };
}

/** PSR of a per-period Sharpe ratio `sharpe` against the benchmark `target` (eq. 11). */
export function probabilisticSharpeRatio(
  sharpe: number,
  target: number,
  n: number,
  skewness: number,
  kurtosis: number,
): number {
  const denom = 1 - skewness * sharpe + ((kurtosis - 1) / 4) * sharpe * sharpe;
  if (!(denom > 0) || n < 2) return NaN;
  return normalCdf(((sharpe - target) * Math.sqrt(n - 1)) / Math.sqrt(denom));
}

/** PSR straight from a return series (per-period Sharpe against `target`, default 0). */
export function psrOfReturns(returns: ArrayLike<number>, target = 0): number {
  const m = returnMoments(returns);
  return probabilisticSharpeRatio(m.sharpe, target, m.n, m.skewness, m.kurtosis);
}
