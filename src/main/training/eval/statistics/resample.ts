/**
 * Index resampling schemes for dependent data:
 * - circular block bootstrap (Politis & Romano 1992): fixed blocks of L consecutive rows, wrapping around;
 * - stationary bootstrap (Politis & Romano 1994, JASA 89(428)): blocks of geometric length with mean L, i.e. after
 *   each row a new block starts with probability 1/L;
 * - seed resampling: S seeds drawn with replacement (the outer level of the two-level bootstrap).
 */
import { randInt } from '../../random';
import { blockIndices } from '../bootstrap';

export type BlockScheme = 'circular' | 'stationary';

/** n row indices of one circular-block resample (the same generator as the study's existing bootstrap). */
export function circularBlockIndices(
  n: number,
  blockLength: number,
  rng: () => number,
  out = new Int32Array(n),
): Int32Array {
  return blockIndices(n, Math.max(1, Math.min(Math.round(blockLength), n)), rng, out);
}

/** n row indices of one stationary-bootstrap resample with mean block length `meanBlockLength`. */
export function stationaryIndices(
  n: number,
  meanBlockLength: number,
  rng: () => number,
  out = new Int32Array(n),
): Int32Array {
  const p = 1 / Math.max(1, meanBlockLength);
  out[0] = randInt(rng, n);
  for (let i = 1; i < n; i++) out[i] = rng() < p ? randInt(rng, n) : (out[i - 1] + 1) % n;
  return out;
}

/** One resample under `scheme`. */
export function resampleIndices(
  scheme: BlockScheme,
  n: number,
  blockLength: number,
  rng: () => number,
  out = new Int32Array(n),
): Int32Array {
  return scheme === 'stationary'
    ? stationaryIndices(n, blockLength, rng, out)
    : circularBlockIndices(n, blockLength, rng, out);
}

/** S seed positions drawn with replacement from 0..S-1. */
export function seedIndices(s: number, rng: () => number, out = new Int32Array(s)): Int32Array {
  for (let i = 0; i < s; i++) out[i] = randInt(rng, s);
  return out;
}
