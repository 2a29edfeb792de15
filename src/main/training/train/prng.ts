/**
 * Seeded pseudo-random numbers for the trainer. Every random decision of a run (shuffle order, dropout masks)
 * is derived from (seed, epoch, batch), so a resumed run replays exactly what an uninterrupted run would do.
 */

/** splitmix32-style integer hash: mixes a 32-bit value into a well-spread 32-bit value. */
export function mix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** A 32-bit state derived from a seed and a path of integers (e.g. [epoch, batch]). */
export function deriveState(seed: number, ...path: number[]): number {
  let s = mix32(seed >>> 0);
  for (const p of path) s = mix32(s ^ mix32(p >>> 0));
  return s;
}

/** mulberry32 generator; `state` can be saved and restored. */
export class Prng {
  state: number;
  constructor(state: number) {
    this.state = state >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/** Fisher-Yates shuffle of a copy of xs. */
export function shuffled<T>(xs: readonly T[], rng: Prng): T[] {
  const out = xs.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}

/**
 * Runs fn with Math.random replaced by a seeded generator. tfjs draws the seed of every unseeded random op
 * (dropout masks) from Math.random, so this makes dropout reproducible without touching the model's layers.
 * fn must be synchronous: the global is restored before anything else can run.
 */
export function withSeededMathRandom<T>(rng: Prng, fn: () => T): T {
  const original = Math.random;
  Math.random = () => rng.next();
  try {
    return fn();
  } finally {
    Math.random = original;
  }
}
