/**
 * Automatic block length for the dependent bootstrap: Politis & White (2004), "Automatic block-length selection
 * for the dependent bootstrap", Econometric Reviews 23(1), with the correction of Patton, Politis & White (2009),
 * Econometric Reviews 28(4) (D_SB = 2 σ̂⁴, D_CB = 4/3 σ̂⁴).
 *
 *   b_opt = (2 Ĝ² / D̂)^(1/3) n^(1/3),   Ĝ = Σ_{|k|<=M} λ(k/M) |k| γ̂(k),   σ̂² = Σ_{|k|<=M} λ(k/M) γ̂(k)
 *
 * with the flat-top kernel λ(t) = 1 for |t| <= 1/2, 2(1 - |t|) for 1/2 < |t| <= 1, and M = 2 m̂, where m̂ is the
 * first lag that starts a run of K_N = max(5, floor(log10 n)) autocorrelations inside ±2 sqrt(log10 n / n)
 * (the convention of arch's optimal_block_length, against which this is tested; M is capped at
 * ceil(sqrt n) + K_N and b at ceil(min(3 sqrt n, n / 3))). ρ̂(k) = γ̂(k) / γ̂(0), γ̂(k) = n⁻¹ Σ (x_t - x̄)(x_{t+k} - x̄).
 */

export interface OptimalBlockLength {
  /** Mean block length for the stationary bootstrap (rows; not rounded). */
  stationary: number;
  /** Block length for the circular block bootstrap (rows; not rounded). */
  circular: number;
  /** Bandwidth M of the flat-top kernel. */
  bandwidth: number;
  n: number;
}

/** Politis–White–Patton block lengths of one series (finite values only; at least 8 of them). */
export function optimalBlockLength(series: ArrayLike<number>): OptimalBlockLength {
  const x = Array.from(series).filter((v) => Number.isFinite(v));
  const n = x.length;
  if (n < 8) throw new Error(`optimalBlockLength: needs at least 8 finite values, got ${n}`);
  const mean = x.reduce((a, b) => a + b, 0) / n;
  const e = x.map((v) => v - mean);
  const bMax = Math.ceil(Math.min(3 * Math.sqrt(n), n / 3));
  const kn = Math.max(5, Math.floor(Math.log10(n)));
  const mMax = Math.ceil(Math.sqrt(n)) + kn;
  const cv = 2 * Math.sqrt(Math.log10(n) / n);
  const acv = new Float64Array(mMax + 1);
  for (let k = 0; k <= mMax && k < n; k++) {
    let s = 0;
    for (let t = 0; t + k < n; t++) s += e[t] * e[t + k];
    acv[k] = s / n;
  }
  if (acv[0] === 0) return { stationary: 1, circular: 1, bandwidth: 0, n };
  let mHat: number | undefined;
  for (let start = 1; start + kn - 1 <= mMax && mHat === undefined; start++) {
    let allInside = true;
    for (let k = start; k < start + kn; k++) if (Math.abs(acv[k] / acv[0]) >= cv) allInside = false;
    if (allInside) mHat = start;
  }
  const m = Math.min(mHat === undefined ? mMax : 2 * Math.max(mHat, 1), mMax);
  let g = 0;
  let longRun = acv[0];
  for (let k = 1; k <= m; k++) {
    const lam = k / m <= 0.5 ? 1 : 2 * (1 - k / m);
    g += 2 * lam * k * acv[k];
    longRun += 2 * lam * acv[k];
  }
  const dSb = 2 * longRun * longRun;
  const dCb = (4 / 3) * longRun * longRun;
  const size = (d: number) => Math.min(Math.cbrt((2 * g * g) / d) * Math.cbrt(n), bMax);
  return { stationary: size(dSb), circular: size(dCb), bandwidth: m, n };
}

export interface ChosenBlockLength {
  /** Rows per block used by every bootstrap of the study. */
  blockLength: number;
  /** The label horizon H, the floor: rows closer than H share part of their label window. */
  horizonFloor: number;
  /** Circular-bootstrap length of each named series (rows, not rounded). */
  perSeries: { name: string; circular: number; stationary: number }[];
  rule: string;
}

/**
 * One block length for a study: max(H, ceil of the largest circular Politis–White length over the series), capped at
 * n / 2 so a resample still mixes at least two blocks.
 */
export function chooseBlockLength(
  series: { name: string; values: ArrayLike<number> }[],
  horizonDays: number,
): ChosenBlockLength {
  const perSeries = series.map((s) => {
    const b = optimalBlockLength(s.values);
    return { name: s.name, circular: b.circular, stationary: b.stationary };
  });
  const n = Math.min(...series.map((s) => s.values.length));
  const pw = perSeries.length ? Math.ceil(Math.max(...perSeries.map((p) => p.circular))) : 0;
  const blockLength = Math.max(1, Math.min(Math.max(horizonDays, pw), Math.floor(n / 2)));
  return {
    blockLength,
    horizonFloor: horizonDays,
    perSeries,
    rule: `max(H = ${horizonDays}, ceil(max circular Politis–White length ${pw}))${blockLength < Math.max(horizonDays, pw) ? `, capped at n/2 = ${blockLength}` : ''}`,
  };
}
