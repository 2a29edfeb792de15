/**
 * Causal building blocks of the factors: moving averages, smoothers and rolling windows over Float64Array.
 * Every function returns an array of the input's length whose value at t uses input[0..t] only; values are
 * NaN until the window is full. Inputs may start with NaN (the warm-up of an upstream series): the window
 * starts at the first finite value. After that, inputs are assumed finite (computeFactors checks the bars).
 */

/** A new array of length n filled with NaN. */
export function nanArray(n: number): Float64Array {
  return new Float64Array(n).fill(Number.NaN);
}

/** Index of the first finite value, or x.length when there is none. */
export function firstFinite(x: ArrayLike<number>): number {
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i])) return i;
  return x.length;
}

/**
 * Running sum over n values divided by `div`: recomputed exactly every 16·n steps so rounding cannot drift,
 * and exactly 0 when every value in the window is 0 (so "no volume" tests against 0 stay exact).
 */
function windowSum(x: Float64Array, n: number, div: number): Float64Array {
  const out = nanArray(x.length);
  const s = firstFinite(x);
  let sum = 0;
  let nonZero = 0;
  let untilRecompute = 16 * n;
  for (let t = s; t < x.length; t++) {
    const v = x[t];
    sum += v;
    if (v !== 0) nonZero++;
    if (t - s >= n) {
      const old = x[t - n];
      sum -= old;
      if (old !== 0) nonZero--;
    }
    if (t - s >= n - 1) {
      if (nonZero === 0) sum = 0;
      else if (--untilRecompute === 0) {
        untilRecompute = 16 * n;
        sum = 0;
        for (let i = t - n + 1; i <= t; i++) sum += x[i];
      }
      out[t] = sum / div;
    }
  }
  return out;
}

/** Simple moving average over n values (running sum, see windowSum). */
export const sma = (x: Float64Array, n: number) => windowSum(x, n, n);

/** Rolling sum over n values. */
export const rollingSum = (x: Float64Array, n: number) => windowSum(x, n, 1);

/**
 * Exponential smoothing y = y' + alpha (x - y'), seeded with the simple mean of the first n finite values
 * (the TA-Lib / technicalindicators convention), so the first value is at firstFinite(x) + n - 1.
 * alpha = 2/(n+1) gives the usual EMA, alpha = 1/n Wilder's smoothing (RMA).
 */
export function smoothSeeded(x: Float64Array, n: number, alpha: number): Float64Array {
  const out = nanArray(x.length);
  const s = firstFinite(x);
  if (s + n - 1 >= x.length) return out;
  let y = 0;
  for (let t = s; t < s + n; t++) y += x[t];
  y /= n;
  out[s + n - 1] = y;
  for (let t = s + n; t < x.length; t++) {
    y += alpha * (x[t] - y);
    out[t] = y;
  }
  return out;
}

/** EMA with alpha = 2/(n+1), SMA-seeded. */
export const ema = (x: Float64Array, n: number) => smoothSeeded(x, n, 2 / (n + 1));
/** Wilder's smoothing (RMA) with alpha = 1/n, SMA-seeded. */
export const wilder = (x: Float64Array, n: number) => smoothSeeded(x, n, 1 / n);

/**
 * The Chinese terminals' SMA(X, N, M): Y = (M·X + (N−M)·Y') / N, seeded with the first finite X
 * (as MyTT and pandas ewm(alpha=M/N, adjust=False) do), so it is defined from the first finite X on.
 */
export function cnSma(x: Float64Array, n: number, m: number): Float64Array {
  const out = nanArray(x.length);
  const s = firstFinite(x);
  if (s >= x.length) return out;
  let y = x[s];
  out[s] = y;
  for (let t = s + 1; t < x.length; t++) {
    y = (m * x[t] + (n - m) * y) / n;
    out[t] = y;
  }
  return out;
}

/** Rolling maximum over n values (direct window; n is small). */
export function rollingMax(x: Float64Array, n: number): Float64Array {
  const out = nanArray(x.length);
  const s = firstFinite(x);
  for (let t = s + n - 1; t < x.length; t++) {
    let m = x[t];
    for (let i = t - n + 1; i < t; i++) if (x[i] > m) m = x[i];
    out[t] = m;
  }
  return out;
}

/** Rolling minimum over n values (direct window; n is small). */
export function rollingMin(x: Float64Array, n: number): Float64Array {
  const out = nanArray(x.length);
  const s = firstFinite(x);
  for (let t = s + n - 1; t < x.length; t++) {
    let m = x[t];
    for (let i = t - n + 1; i < t; i++) if (x[i] < m) m = x[i];
    out[t] = m;
  }
  return out;
}

/** x shifted k bars later: out[t] = x[t-k] (REF(X, k)). */
export function ref(x: Float64Array, k: number): Float64Array {
  const out = nanArray(x.length);
  for (let t = k; t < x.length; t++) out[t] = x[t - k];
  return out;
}

/** Element-wise map of one or more equally long arrays. */
export function map(n: number, f: (t: number) => number): Float64Array {
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) out[t] = f(t);
  return out;
}
