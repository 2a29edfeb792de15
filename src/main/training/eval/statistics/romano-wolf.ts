/**
 * Romano–Wolf step-down adjusted p-values (Romano & Wolf 2005, "Stepwise multiple testing as formalized data
 * snooping", Econometrica 73(4); the p-value algorithm of Romano & Wolf 2016, "Efficient computation of adjusted
 * p-values for resampling-based stepdown multiple testing", Statistics & Probability Letters 113, Algorithm 4.1).
 *
 * With statistics t_j ordered t_(1) >= ... >= t_(K) and centred bootstrap draws t*_{b,j} (resampled jointly, so
 * their dependence is kept):
 *   p̃_(j) = max( p̃_(j-1), (1 + #{b : max_{l >= j} t*_{b,(l)} >= t_(j)}) / (1 + B) ).
 * Unlike Holm it uses the joint distribution, so strongly correlated comparisons are not over-penalised.
 */

export interface RomanoWolfInput {
  /** Observed statistics, one per hypothesis (e.g. differences, or differences / bootstrap se). */
  statistics: ArrayLike<number>;
  /** draws[j][b]: the bootstrap replicate of statistic j on resample b, NOT centred (centred here). */
  draws: ArrayLike<number>[];
  /** 'greater' tests θ_j > 0; 'two-sided' tests θ_j != 0 with |t|. */
  alternative?: 'greater' | 'two-sided';
  /** Divide each statistic and its centred draws by the draws' standard deviation (default true). */
  studentize?: boolean;
}

/** Adjusted p-values in the order of the hypotheses. */
export function romanoWolf(input: RomanoWolfInput): number[] {
  const k = input.statistics.length;
  if (input.draws.length !== k) throw new Error('romanoWolf: one draw series per statistic');
  if (k === 0) return [];
  const reps = input.draws[0].length;
  const twoSided = input.alternative !== 'greater';
  const studentize = input.studentize !== false;
  const t = new Float64Array(k);
  const centred = input.draws.map(() => new Float64Array(reps));
  for (let j = 0; j < k; j++) {
    const est = input.statistics[j];
    let m = 0;
    for (let b = 0; b < reps; b++) m += input.draws[j][b];
    m /= reps;
    let v = 0;
    for (let b = 0; b < reps; b++) v += (input.draws[j][b] - m) ** 2;
    const sd = studentize ? Math.sqrt(v / Math.max(1, reps - 1)) : 1;
    const scale = sd > 0 ? sd : 1;
    t[j] = (twoSided ? Math.abs(est) : est) / scale;
    for (let b = 0; b < reps; b++) {
      const d = (input.draws[j][b] - est) / scale;
      centred[j][b] = twoSided ? Math.abs(d) : d;
    }
  }
  const order = Array.from({ length: k }, (_, j) => j).sort((a, b) => t[b] - t[a] || a - b);
  // maxFrom[b] after step j = max over the hypotheses still in the set; built from the bottom up
  const tailMax: Float64Array[] = new Array(k);
  const running = new Float64Array(reps).fill(-Infinity);
  for (let r = k - 1; r >= 0; r--) {
    const c = centred[order[r]];
    for (let b = 0; b < reps; b++) if (c[b] > running[b]) running[b] = c[b];
    tailMax[r] = Float64Array.from(running);
  }
  const out = new Array<number>(k).fill(NaN);
  let prev = 0;
  for (let r = 0; r < k; r++) {
    const j = order[r];
    let count = 0;
    for (let b = 0; b < reps; b++) if (tailMax[r][b] >= t[j]) count++;
    prev = Math.max(prev, (1 + count) / (1 + reps));
    out[j] = prev;
  }
  return out;
}
