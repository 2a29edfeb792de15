/**
 * The engine's seeded random numbers, in one place. Integer arithmetic only, so streams are bit-identical on
 * every platform and backend:
 * - Xoshiro128 (xoshiro128**): weight initialisation, one stream per (seed, weight name) via hashString;
 * - Prng (mulberry32) with deriveState: the trainer's shuffles and dropout masks from (seed, epoch, batch),
 *   so a resumed run replays exactly what an uninterrupted run does; also bootstrap and random baselines.
 */

/** splitmix32 step: spreads a 32-bit seed so that nearby seeds give unrelated streams. */
function splitmix32(state: number): [number, number] {
  state = (state + 0x9e3779b9) | 0;
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [state, (z ^ (z >>> 16)) >>> 0];
}

/** FNV-1a hash of a string (32-bit unsigned), used to derive a per-weight stream from (seed, weight name). */
export function hashString(s: string, h = 0x811c9dc5): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** xoshiro128** generator; integer arithmetic only, so streams are bit-identical on every platform. */
export class Xoshiro128 {
  private s = new Uint32Array(4);

  constructor(seed: number) {
    let st = seed | 0;
    for (let i = 0; i < 4; i++) {
      const [next, out] = splitmix32(st);
      st = next;
      this.s[i] = out;
    }
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  /** Next unsigned 32-bit integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Generator state (4 x uint32), e.g. for checkpoints. */
  getState(): number[] {
    return Array.from(this.s);
  }

  setState(state: number[]): void {
    if (state.length !== 4) throw new Error('xoshiro128 state must have 4 words');
    this.s.set(state.map((v) => v >>> 0));
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

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

/** mulberry32 as a function: uniform numbers in [0, 1); the same stream as `new Prng(seed)`. */
export function mulberry32(seed: number): () => number {
  const p = new Prng(seed);
  return () => p.next();
}

/** Uniform integer in [0, n). */
export function randInt(rng: () => number, n: number): number {
  return Math.floor(rng() * n);
}

/** Standard normal draw (Box-Muller). */
export function randNormal(rng: () => number): number {
  let u = rng();
  while (u <= 1e-300) u = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}
