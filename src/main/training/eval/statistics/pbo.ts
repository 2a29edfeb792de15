/**
 * Probability of Backtest Overfitting by combinatorially symmetric cross-validation (Bailey, Borwein,
 * López de Prado & Zhu 2017, "The probability of backtest overfitting", Journal of Computational Finance 20(4),
 * sec. 2): the T x N matrix of daily returns of N strategies is cut into S equal blocks of consecutive rows; for
 * each of the C(S, S/2) ways to pick half of the blocks as the in-sample set J (the rest, J̄, out of sample), the
 * strategy n* with the best in-sample Sharpe ratio is ranked out of sample, ω̄ = rank / (N + 1) (rank 1 = worst,
 * ties averaged), λ = ln(ω̄ / (1 - ω̄)), and
 *
 *   PBO = #{λ_c <= 0} / C(S, S/2)
 *
 * the share of splits in which the in-sample winner is at or below the out-of-sample median. With skill-less
 * strategies PBO is about 1/2 (exactly (N + 1) / (2N) for odd N, where the median rank itself counts); with one
 * strategy clearly better than the rest it is near 0. As in the paper (and pypbo), T mod S leading rows are dropped.
 */

export interface PboResult {
  pbo: number;
  /** Splits evaluated, C(S, S/2). */
  combinations: number;
  blocks: number;
  /** Rows per block and rows dropped at the start. */
  blockRows: number;
  droppedRows: number;
  strategies: number;
  /** Logits λ_c of all splits (in the order of the combinations). */
  logits: Float64Array;
  /** Median logit: > 0 means the in-sample winner is usually above the out-of-sample median. */
  medianLogit: number;
  /** Share of splits in which the in-sample winner's out-of-sample Sharpe ratio is below 0. */
  probOosLoss: number;
  /** How often each strategy was the in-sample winner. */
  winnerCounts: number[];
}

/** Every k-subset of 0..n-1 in lexicographic order. */
export function* combinations(n: number, k: number): Generator<number[]> {
  const c = Array.from({ length: k }, (_, i) => i);
  if (k > n) return;
  while (true) {
    yield c.slice();
    let i = k - 1;
    while (i >= 0 && c[i] === n - k + i) i--;
    if (i < 0) return;
    c[i]++;
    for (let j = i + 1; j < k; j++) c[j] = c[j - 1] + 1;
  }
}

/** Ranks 1..N of values (average ranks for ties), as scipy's rankdata; NaN-free input. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const sorted = Float64Array.from(values).sort();
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    // first position >= v and first position > v: the tie block [lo, hi)
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    let a = lo;
    hi = n;
    while (a < hi) {
      const mid = (a + hi) >>> 1;
      if (sorted[mid] <= v) a = mid + 1;
      else hi = mid;
    }
    out[i] = (lo + a - 1) / 2 + 1;
  }
  return out;
}

/**
 * PBO of strategies given as return series of equal length (returns[n][t]: strategy n on day t), performance =
 * per-period Sharpe ratio (mean / sample sd). `blocks` must be even (default 16).
 */
export function probabilityOfBacktestOverfitting(returns: ArrayLike<number>[], blocks = 16): PboResult {
  const N = returns.length;
  if (N < 2) throw new Error(`PBO needs at least 2 strategies, got ${N}`);
  if (!Number.isInteger(blocks) || blocks < 2 || blocks % 2 !== 0)
    throw new Error(`PBO needs an even number of blocks >= 2, got ${blocks}`);
  const T = returns[0].length;
  for (const r of returns) if (r.length !== T) throw new Error('PBO: all strategies need the same days');
  const blockRows = Math.floor(T / blocks);
  if (blockRows < 2) throw new Error(`PBO: ${T} days are too few for ${blocks} blocks`);
  const dropped = T - blockRows * blocks;
  // per block and strategy: sum and sum of squares, so a half is 8 additions, not T/2
  const sum = new Float64Array(blocks * N);
  const sq = new Float64Array(blocks * N);
  for (let n = 0; n < N; n++)
    for (let s = 0; s < blocks; s++)
      for (let t = dropped + s * blockRows; t < dropped + (s + 1) * blockRows; t++) {
        const v = returns[n][t];
        sum[s * N + n] += v;
        sq[s * N + n] += v * v;
      }
  const half = blocks / 2;
  const m = half * blockRows;
  const sharpeOf = (a: number, b: number) => {
    const mean = a / m;
    const v = (b - m * mean * mean) / (m - 1);
    return v > 0 ? mean / Math.sqrt(v) : mean > 0 ? Infinity : mean < 0 ? -Infinity : 0;
  };
  const logits: number[] = [];
  const winnerCounts = new Array<number>(N).fill(0);
  let overfit = 0;
  let oosLoss = 0;
  const inSample = new Float64Array(N);
  const outSample = new Float64Array(N);
  const inJ = new Uint8Array(blocks);
  for (const J of combinations(blocks, half)) {
    inJ.fill(0);
    for (const s of J) inJ[s] = 1;
    for (let n = 0; n < N; n++) {
      let a = 0;
      let b = 0;
      let c = 0;
      let d = 0;
      for (let s = 0; s < blocks; s++) {
        if (inJ[s]) {
          a += sum[s * N + n];
          b += sq[s * N + n];
        } else {
          c += sum[s * N + n];
          d += sq[s * N + n];
        }
      }
      inSample[n] = sharpeOf(a, b);
      outSample[n] = sharpeOf(c, d);
    }
    let star = 0;
    for (let n = 1; n < N; n++) if (inSample[n] > inSample[star]) star = n;
    winnerCounts[star]++;
    // average rank of the winner among the out-of-sample Sharpe ratios (1 = worst), as rankdata would give
    let below = 0;
    let ties = 0;
    for (let n = 0; n < N; n++) {
      if (outSample[n] < outSample[star]) below++;
      else if (outSample[n] === outSample[star] && n !== star) ties++;
    }
    const w = (below + 1 + ties / 2) / (N + 1);
    const lambda = Math.log(w / (1 - w));
    logits.push(lambda);
    if (lambda <= 0) overfit++;
    if (outSample[star] < 0) oosLoss++;
  }
  const sorted = [...logits].sort((a, b) => a - b);
  const c = logits.length;
  return {
    pbo: overfit / c,
    combinations: c,
    blocks,
    blockRows,
    droppedRows: dropped,
    strategies: N,
    logits: Float64Array.from(logits),
    medianLogit: c % 2 ? sorted[(c - 1) / 2] : (sorted[c / 2 - 1] + sorted[c / 2]) / 2,
    probOosLoss: oosLoss / c,
    winnerCounts,
  };
}
