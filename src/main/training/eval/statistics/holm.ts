/**
 * Holm's step-down adjustment (Holm 1979, "A simple sequentially rejective multiple test procedure",
 * Scandinavian Journal of Statistics 6(2)): with p-values sorted p_(1) <= ... <= p_(K),
 *   p̃_(i) = max_{j <= i} min(1, (K - j + 1) p_(j)).
 * Rejecting where p̃ < α controls the family-wise error rate at α under any dependence.
 */

/** Holm-adjusted p-values in the order given; NaN inputs stay NaN and do not count towards K. */
export function holmAdjust(pValues: ArrayLike<number>): number[] {
  const idx = Array.from(pValues, (_, i) => i).filter((i) => Number.isFinite(pValues[i]));
  idx.sort((a, b) => pValues[a] - pValues[b] || a - b);
  const k = idx.length;
  const out = Array.from(pValues, () => NaN);
  let running = 0;
  idx.forEach((i, rank) => {
    running = Math.max(running, Math.min(1, (k - rank) * pValues[i]));
    out[i] = running;
  });
  return out;
}
