/**
 * Hansen's test for Superior Predictive Ability (Hansen 2005, "A test for superior predictive ability", Journal of
 * Business & Economic Statistics 23(4)), which contains White's Reality Check (White 2000, Econometrica 68(5)) as
 * its non-studentised "upper" variant. H0: no model beats the benchmark. With performance differentials
 * d_{k,t} = r_{k,t} - r_{0,t} (model k's daily return minus the benchmark's),
 *
 *   T = max(0, max_k sqrt(n) d̄_k / ω̂_k),   T*_b = max(0, max_k sqrt(n) (d̄*_{k,b} - g(d̄_k)) / ω̂_k)
 *
 * over stationary-bootstrap resamples (Politis & Romano 1994), p = #{T*_b > T} / B, with three recentrings
 * (Hansen's eq. 11–12): lower g(x) = max(x, 0), consistent g(x) = x·1{x >= -sqrt(ω̂²/n · 2 log log n)}, upper
 * g(x) = x. ω̂²_k is the stationary bootstrap's own variance estimate, γ̂₀ + 2 Σ_i κ_i γ̂_i with
 * κ_i = (1 - i/n)(1 - q)^i + (i/n)(1 - q)^(n-i), q = 1 / mean block length (Hansen 2005, sec. 2.3 after Politis &
 * Romano 1994). `studentize: false` drops ω̂ from T and T*, which is what arch 8's SPA computes.
 */
import { mulberry32 } from '../../random';
import { resampleIndices, type BlockScheme } from './resample';

export interface SpaInput {
  /** Benchmark daily returns (length n). */
  benchmark: ArrayLike<number>;
  /** models[k]: model k's daily returns on the same days. */
  models: ArrayLike<number>[];
  /** Mean block length of the stationary bootstrap (or block length of the circular one). */
  blockLength: number;
  reps?: number;
  seed?: number;
  scheme?: BlockScheme;
  /** Default true (Hansen's SPA); false = the unstudentised statistic (White's Reality Check for 'upper'). */
  studentize?: boolean;
  /** Precomputed resamples (each n indices); replaces reps / seed / scheme (used to compare with arch). */
  indices?: ArrayLike<number>[];
}

export interface SpaResult {
  statistic: number;
  pLower: number;
  pConsistent: number;
  pUpper: number;
  /** Index of the model with the largest (studentised) mean differential. */
  best: number;
  /** Mean daily differential of each model against the benchmark. */
  meanDiff: number[];
  /** ω̂_k / sqrt(n): the standard error of each mean differential. */
  se: number[];
  reps: number;
  blockLength: number;
  studentized: boolean;
}

/** Stationary-bootstrap long-run variance of a series (Hansen 2005, sec. 2.3). */
export function stationaryBootstrapVariance(x: ArrayLike<number>, meanBlockLength: number): number {
  const n = x.length;
  let mean = 0;
  for (let t = 0; t < n; t++) mean += x[t];
  mean /= n;
  const q = 1 / meanBlockLength;
  let v = 0;
  for (let t = 0; t < n; t++) v += (x[t] - mean) ** 2;
  v /= n;
  for (let i = 1; i < n; i++) {
    const kappa = (1 - i / n) * (1 - q) ** i + (i / n) * (1 - q) ** (n - i);
    if (kappa < 1e-12) continue;
    let g = 0;
    for (let t = 0; t + i < n; t++) g += (x[t] - mean) * (x[t + i] - mean);
    v += (2 * kappa * g) / n;
  }
  return v;
}

/** Hansen's SPA p-values (lower, consistent, upper) for the best model against the benchmark. */
export function superiorPredictiveAbility(input: SpaInput): SpaResult {
  const n = input.benchmark.length;
  const K = input.models.length;
  if (K === 0) throw new Error('SPA: no models');
  for (const m of input.models)
    if (m.length !== n) throw new Error('SPA: models and benchmark need the same days');
  const studentize = input.studentize !== false;
  const d = input.models.map((m) => Float64Array.from({ length: n }, (_, t) => m[t] - input.benchmark[t]));
  const dbar = d.map((x) => x.reduce((a, b) => a + b, 0) / n);
  const omega2 = d.map((x) => stationaryBootstrapVariance(x, input.blockLength));
  const scale = omega2.map((w) => (studentize ? Math.sqrt(w / n) || 1 : 1));
  const threshold = omega2.map((w) => -Math.sqrt((w / n) * 2 * Math.log(Math.log(n))));
  const gLower = dbar.map((x) => Math.max(x, 0));
  const gCons = dbar.map((x, k) => (x >= threshold[k] ? x : 0));
  const gUpper = dbar;
  let best = 0;
  let stat = -Infinity;
  dbar.forEach((x, k) => {
    if (x / scale[k] > stat) {
      stat = x / scale[k];
      best = k;
    }
  });
  const T = Math.max(0, stat);
  const rng = mulberry32(input.seed ?? 1);
  const reps = input.indices ? input.indices.length : (input.reps ?? 1000);
  const buf = new Int32Array(n);
  let cl = 0;
  let cc = 0;
  let cu = 0;
  for (let b = 0; b < reps; b++) {
    const idx = input.indices
      ? input.indices[b]
      : resampleIndices(input.scheme ?? 'stationary', n, input.blockLength, rng, buf);
    let ml = 0;
    let mc = 0;
    let mu = 0;
    for (let k = 0; k < K; k++) {
      let s = 0;
      const x = d[k];
      for (let t = 0; t < n; t++) s += x[idx[t]];
      const mean = s / n;
      ml = Math.max(ml, (mean - gLower[k]) / scale[k]);
      mc = Math.max(mc, (mean - gCons[k]) / scale[k]);
      mu = Math.max(mu, (mean - gUpper[k]) / scale[k]);
    }
    if (ml > T) cl++;
    if (mc > T) cc++;
    if (mu > T) cu++;
  }
  return {
    statistic: T,
    pLower: cl / reps,
    pConsistent: cc / reps,
    pUpper: cu / reps,
    best,
    meanDiff: dbar,
    se: omega2.map((w) => Math.sqrt(w / n)),
    reps,
    blockLength: input.blockLength,
    studentized: studentize,
  };
}
