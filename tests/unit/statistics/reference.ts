/** Reference values computed by scripts/stats-reference.py (numpy, scipy, statsmodels, arch 8.0.0). */
import { readFileSync } from 'node:fs';
import { fixture } from '../../helpers/data';

interface Reference {
  versions: Record<string, string>;
  politisWhite: {
    name: string;
    x: number[];
    archStationary: number;
    archCircular: number;
    textbookStationary: number;
    textbookCircular: number;
  }[];
  dsrExample: {
    sharpe: number;
    variance: number;
    trials: number;
    T: number;
    skewness: number;
    kurtosis: number;
    sr0: number;
    dsr: number;
  };
  psr: {
    returns: number[];
    sharpe: number;
    skewness: number;
    kurtosis: number;
    psr0: number;
    psr005: number;
  };
  holm: { p: number[]; adjusted: number[] };
  spearman: { x: number[]; y: number[]; rho: number };
  pbo: { M: number[][]; pbo16: number; pbo4: number; logits4: number[] };
  spa: {
    n: number;
    blockLength: number;
    reps: number;
    benchmark: number[];
    models: number[][];
    indicesRle: number[][];
    arch: { lower: number; consistent: number; upper: number };
    hansenStudentized: { statistic: number; lower: number; consistent: number; upper: number };
  };
}

export const REF = JSON.parse(readFileSync(fixture('stats-reference.json'), 'utf8')) as Reference;

/** Expands [start, length, ...] runs (mod n) into one resample's indices. */
export function expandRle(runs: number[], n: number): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < runs.length; i += 2) for (let j = 0; j < runs[i + 1]; j++) out.push((runs[i] + j) % n);
  return Int32Array.from(out);
}
