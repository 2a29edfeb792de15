/**
 * Surrogate daily bars with a planted, known signal, for power analysis.
 *
 * Base: the real bars of every index, aligned on the dates they share, with whole trading days shuffled (one seeded
 * permutation for all indices, so the cross-index correlation of a day is kept): each day keeps its open / high /
 * low / close relative to the previous close and its volume relative to its own trailing 20-day mean, chained from
 * the first real close and scaled onto the real volume level at its new place. Shuffling destroys every temporal
 * pattern, including any real predictability, so without a plant nothing can be learned beyond chance.
 *
 * Plant: the dates are cut into consecutive blocks of H; a share `tellRate` of the blocks gets a sign z = +1 or -1
 * (equally often). On every date of such a block the target's candle shows it: the close sits at the top (z = +1)
 * or the bottom (z = -1) of the day's range, below (above) only an open beyond it (high and low are moved; open,
 * close and volume are not), which the
 * close-location factor (clv) and its relatives see at the close of that day. When `strength` > 0 the target's log
 * price drifts by z * strength in total over the H dates that start one date after the block's first date
 * (strength / H a day, open-to-open and close-to-close alike), so a date at position k of the block knows the
 * drift of its next H - k dates. The realised drift is de-meaned over all dates, so the plant adds no trend and
 * leaves buy-and-hold and the class rates about where the shuffled data had them. The candle is in bar t, the
 * drift it tells of after t: no look-ahead. strength = 0 keeps the candles but makes them meaningless, the honest
 * null for the same pipeline.
 */
import type { Bars } from '../../../../shared/domain';
import { mulberry32, randInt } from '../../random';

export interface SurrogateOptions {
  /** Code of the target index (the only one that gets the plant). */
  target: string;
  horizonDays: number;
  /** Total log drift over the H days after a tell (0.04 = about +4 %); 0 = no signal. */
  strength: number;
  /** Share of H-date blocks with a tell, up or down alike (default 1). */
  tellRate?: number;
  seed: number;
}

export interface Surrogate {
  bars: Map<string, Bars>;
  /** Dates whose candle tells of an up / a down drift (a planted move follows when strength > 0). */
  upTells: string[];
  downTells: string[];
}

const TRAIL = 20;

function trailingMeans(v: Float64Array): Float64Array {
  const out = new Float64Array(v.length);
  let s = 0;
  for (let i = 0; i < v.length; i++) {
    const k = Math.min(i, TRAIL);
    out[i] = k ? s / k : v[i];
    s += v[i];
    if (i >= TRAIL) s -= v[i - TRAIL];
  }
  return out;
}

/** Surrogate bars for every index in `real` (daily bars), planted on `opts.target`. */
export function surrogateBars(real: Map<string, Bars>, opts: SurrogateOptions): Surrogate {
  const codes = [...real.keys()];
  if (!real.has(opts.target)) throw new Error(`surrogateBars: no bars for the target ${opts.target}`);
  for (const c of codes)
    if (real.get(c)!.barsPerDay !== 1) throw new Error(`surrogateBars: ${c} is not daily`);
  let common = real.get(opts.target)!.date;
  for (const c of codes) {
    const s = new Set(real.get(c)!.date);
    common = common.filter((d) => s.has(d));
  }
  const N = common.length;
  if (N < 3 * TRAIL) throw new Error(`surrogateBars: only ${N} common dates`);
  const rng = mulberry32(opts.seed);
  // one permutation of days 1..N-1 (day 0 anchors the price level)
  const perm = Int32Array.from({ length: N }, (_, i) => i);
  for (let i = N - 1; i > 1; i--) {
    const j = 1 + randInt(rng, i);
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  // tells and the planted drift (target only)
  const H = opts.horizonDays;
  const tellRate = opts.tellRate ?? 1;
  // +1 / -1 on the dates of a block with a tell, 0 elsewhere
  const tell = new Int8Array(N);
  const extra = new Float64Array(N);
  for (let b0 = TRAIL; b0 + H < N; b0 += H) {
    const u = rng();
    if (u >= tellRate) continue;
    const z = u < tellRate / 2 ? 1 : -1;
    for (let k = 0; k < H; k++) tell[b0 + k] = z;
    for (let k = 1; k <= H; k++) extra[b0 + k] += (z * opts.strength) / H;
  }
  let drift = 0;
  for (let d = 1; d < N; d++) drift += extra[d];
  drift /= N - 1;
  const cum = new Float64Array(N);
  for (let d = 1; d < N; d++) cum[d] = cum[d - 1] + extra[d] - drift;

  const out = new Map<string, Bars>();
  for (const code of codes) {
    const b = real.get(code)!;
    const pos = new Map(b.date.map((d, i) => [d, i] as const));
    const at = Int32Array.from(common, (d) => pos.get(d)!);
    const pick = (a: Float64Array) => Float64Array.from(at, (i) => a[i]);
    const [o, h, l, c, v, am] = [b.open, b.high, b.low, b.close, b.volume, b.amount].map(pick);
    const vMean = trailingMeans(v);
    const planted = code === opts.target;
    const O = new Float64Array(N);
    const Hh = new Float64Array(N);
    const Ll = new Float64Array(N);
    const C = new Float64Array(N);
    const V = new Float64Array(N);
    const A = new Float64Array(N);
    O[0] = o[0];
    Hh[0] = h[0];
    Ll[0] = l[0];
    C[0] = c[0];
    V[0] = v[0];
    A[0] = am[0];
    // base path (no drift), then the drift as a multiplicative factor
    const base = new Float64Array(N);
    base[0] = c[0];
    for (let d = 1; d < N; d++) base[d] = base[d - 1] * (c[perm[d]] / c[perm[d] - 1]);
    for (let d = 1; d < N; d++) {
      const s = perm[d];
      const prev = base[d - 1];
      const fOpen = planted ? Math.exp(cum[d - 1]) : 1;
      const fClose = planted ? Math.exp(cum[d]) : 1;
      C[d] = base[d] * fClose;
      O[d] = ((prev * o[s]) / c[s - 1]) * fOpen;
      Hh[d] = Math.max(((prev * h[s]) / c[s - 1]) * fClose, O[d], C[d]);
      Ll[d] = Math.min(((prev * l[s]) / c[s - 1]) * fClose, O[d], C[d]);
      if (planted && tell[d]) {
        // the close at the top (bottom) of a range twice the day's: clv = +1 (-1), at least 1/3 (-1/3) when the
        // open lies beyond the close
        const range = 2 * Math.max(Hh[d] - Ll[d], 1e-9 * C[d]);
        if (tell[d] > 0) {
          Hh[d] = Math.max(C[d], O[d]);
          Ll[d] = Math.min(O[d], C[d]) - range;
        } else {
          Ll[d] = Math.min(C[d], O[d]);
          Hh[d] = Math.max(O[d], C[d]) + range;
        }
      }
      const ratio = vMean[s] > 0 ? v[s] / vMean[s] : 1;
      V[d] = ratio * vMean[d];
      A[d] = v[s] > 0 ? ((am[s] / v[s]) * V[d] * C[d]) / c[s] : 0;
    }
    out.set(code, {
      code,
      source: `surrogate of ${b.source} (days shuffled, seed ${opts.seed}${planted ? `, planted strength ${opts.strength}` : ''})`,
      barsPerDay: 1,
      time: [...common],
      date: [...common],
      open: O,
      high: Hh,
      low: Ll,
      close: C,
      volume: V,
      amount: A,
    });
  }
  return {
    bars: out,
    upTells: common.filter((_, d) => tell[d] === 1),
    downTells: common.filter((_, d) => tell[d] === -1),
  };
}
