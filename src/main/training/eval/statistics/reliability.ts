/**
 * Reliability diagram bins (Murphy & Winkler 1977, "Reliability of subjective probability forecasts of
 * precipitation and temperature", Applied Statistics 26(1); the top-label form and the expected calibration error
 * ECE = Σ_b (n_b / n) |acc_b - conf_b| as in Guo, Pleiss, Sun & Weinberger 2017, "On calibration of modern neural
 * networks", ICML, eq. 3).
 * - 'top-label': x = the highest class probability of each row, y = the share of rows whose top class was right;
 * - a class c: x = p_c, y = the share of rows that were of class c.
 * 'uniform' bins cut [0, 1] into equal widths; 'quantile' bins hold (nearly) equal row counts, which is what
 * probabilities crowded near 1/3 need to show anything.
 */
import { NUM_CLASSES } from '../metrics';

export interface ReliabilityBin {
  /** Bin edges (probability). */
  lo: number;
  hi: number;
  count: number;
  /** Mean forecast probability of the rows in the bin. */
  meanForecast: number;
  /** Observed frequency (share right / share of the class) in the bin. */
  observed: number;
}

export interface Reliability {
  target: 'top-label' | 0 | 1 | 2;
  binning: 'uniform' | 'quantile';
  bins: ReliabilityBin[];
  /** Σ (n_b / n) |observed_b - meanForecast_b|. */
  ece: number;
  n: number;
}

export interface ReliabilityOptions {
  target?: 'top-label' | 0 | 1 | 2;
  bins?: number;
  binning?: 'uniform' | 'quantile';
}

/** Reliability bins over the labeled rows of n x 3 probabilities. */
export function reliabilityDiagram(
  truth: ArrayLike<number>,
  probs: ArrayLike<number>,
  opts: ReliabilityOptions = {},
): Reliability {
  const target = opts.target ?? 'top-label';
  const B = opts.bins ?? 10;
  const binning = opts.binning ?? 'uniform';
  const k = NUM_CLASSES;
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < truth.length; i++) {
    if (truth[i] < 0) continue;
    if (target === 'top-label') {
      let best = 0;
      for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + best]) best = c;
      xs.push(probs[i * k + best]);
      ys.push(best === truth[i] ? 1 : 0);
    } else {
      xs.push(probs[i * k + target]);
      ys.push(truth[i] === target ? 1 : 0);
    }
  }
  const n = xs.length;
  const order = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b]);
  const groups: number[][] = Array.from({ length: B }, () => []);
  if (binning === 'uniform') {
    for (let i = 0; i < n; i++) groups[Math.min(B - 1, Math.floor(xs[i] * B))].push(i);
  } else {
    order.forEach((i, r) => groups[Math.min(B - 1, Math.floor((r * B) / n))].push(i));
  }
  const bins: ReliabilityBin[] = groups.map((g, b) => {
    const mf = g.reduce((a, i) => a + xs[i], 0) / (g.length || 1);
    const ob = g.reduce((a, i) => a + ys[i], 0) / (g.length || 1);
    const lo = binning === 'uniform' ? b / B : g.length ? Math.min(...g.map((i) => xs[i])) : NaN;
    const hi = binning === 'uniform' ? (b + 1) / B : g.length ? Math.max(...g.map((i) => xs[i])) : NaN;
    return { lo, hi, count: g.length, meanForecast: g.length ? mf : NaN, observed: g.length ? ob : NaN };
  });
  const ece = bins.reduce(
    (a, b) => (b.count ? a + (b.count / n) * Math.abs(b.observed - b.meanForecast) : a),
    0,
  );
  return { target, binning, bins: binning === 'quantile' ? bins.filter((b) => b.count > 0) : bins, ece, n };
}
