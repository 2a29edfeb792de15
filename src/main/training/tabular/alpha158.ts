/**
 * Index features in the style of Qlib's Alpha158 (Microsoft Qlib, `Alpha158DL.get_feature_config`): the nine
 * k-bar shape features and the rolling ROC, MA, STD, RSV and CORR over 5/10/20/30/60 bars, as Qlib defines them:
 *   KMID  (C-O)/O          KLEN  (H-L)/O          KMID2 (C-O)/(H-L+1e-12)
 *   KUP   (H-max(O,C))/O   KUP2  (H-max(O,C))/(H-L+1e-12)
 *   KLOW  (min(O,C)-L)/O   KLOW2 (min(O,C)-L)/(H-L+1e-12)
 *   KSFT  (2C-H-L)/O       KSFT2 (2C-H-L)/(H-L+1e-12)
 *   ROCd  C[t-d]/C          MAd   mean(C, d)/C     STDd  std(C, d)/C (sample std, ddof 1, as pandas)
 *   RSVd  (C-min(L, d))/(max(H, d)-min(L, d)+1e-12)   CORRd pearson(C, ln(V+1)) over d bars
 * Windows include the current bar. Causal: the value at bar t reads bars 0..t only; NaN until a window is full
 * (ROCd needs d earlier bars) and for CORR over a window where either series is constant (undefined, as in
 * pandas). These are raw (not z-scored): the trees that read them are invariant to monotone rescaling.
 */
import type { Bars } from '../../../shared/domain';

export const ALPHA_WINDOWS = [5, 10, 20, 30, 60] as const;
export const KBAR_NAMES = ['KMID', 'KLEN', 'KMID2', 'KUP', 'KUP2', 'KLOW', 'KLOW2', 'KSFT', 'KSFT2'] as const;
export const ROLLING_NAMES = ['ROC', 'MA', 'STD', 'RSV', 'CORR'] as const;

/** Feature names in column order: the k-bar features, then each rolling operator over every window. */
export function alphaFeatureNames(windows: readonly number[] = ALPHA_WINDOWS): string[] {
  return [...KBAR_NAMES, ...ROLLING_NAMES.flatMap((op) => windows.map((d) => `${op}${d}`))];
}

/** Family of a feature name ('kbar', 'roc', 'ma', 'std', 'rsv', 'corr'), for grouped importance. */
export function alphaFamily(name: string): string {
  const m = /^([A-Z]+?)(\d+)$/.exec(name);
  return m && (ROLLING_NAMES as readonly string[]).includes(m[1]) ? m[1].toLowerCase() : 'kbar';
}

const EPS = 1e-12;

/** One Float64Array per feature (length = bars), in alphaFeatureNames(windows) order. */
export function alphaFeatures(
  b: Pick<Bars, 'open' | 'high' | 'low' | 'close' | 'volume'>,
  windows: readonly number[] = ALPHA_WINDOWS,
): Float64Array[] {
  const n = b.close.length;
  const { open: O, high: H, low: L, close: C, volume: V } = b;
  const kbar = KBAR_NAMES.map(() => new Float64Array(n));
  for (let t = 0; t < n; t++) {
    const hi = Math.max(O[t], C[t]);
    const lo = Math.min(O[t], C[t]);
    const range = H[t] - L[t] + EPS;
    kbar[0][t] = (C[t] - O[t]) / O[t];
    kbar[1][t] = (H[t] - L[t]) / O[t];
    kbar[2][t] = (C[t] - O[t]) / range;
    kbar[3][t] = (H[t] - hi) / O[t];
    kbar[4][t] = (H[t] - hi) / range;
    kbar[5][t] = (lo - L[t]) / O[t];
    kbar[6][t] = (lo - L[t]) / range;
    kbar[7][t] = (2 * C[t] - H[t] - L[t]) / O[t];
    kbar[8][t] = (2 * C[t] - H[t] - L[t]) / range;
  }
  const logV = Float64Array.from(V, (v) => Math.log(v + 1));
  const roc: Float64Array[] = [];
  const ma: Float64Array[] = [];
  const sd: Float64Array[] = [];
  const rsv: Float64Array[] = [];
  const corr: Float64Array[] = [];
  for (const d of windows) {
    const r = new Float64Array(n).fill(NaN);
    const m = new Float64Array(n).fill(NaN);
    const s = new Float64Array(n).fill(NaN);
    const q = new Float64Array(n).fill(NaN);
    const c = new Float64Array(n).fill(NaN);
    for (let t = 0; t < n; t++) {
      if (t >= d) r[t] = C[t - d] / C[t];
      if (t < d - 1) continue;
      // Direct sums over the window (d <= 60): exact enough and obviously causal.
      let sumC = 0;
      let maxH = -Infinity;
      let minL = Infinity;
      for (let k = t - d + 1; k <= t; k++) {
        sumC += C[k];
        if (H[k] > maxH) maxH = H[k];
        if (L[k] < minL) minL = L[k];
      }
      const meanC = sumC / d;
      let meanV = 0;
      for (let k = t - d + 1; k <= t; k++) meanV += logV[k];
      meanV /= d;
      let sxx = 0;
      let syy = 0;
      let sxy = 0;
      for (let k = t - d + 1; k <= t; k++) {
        const dx = C[k] - meanC;
        const dy = logV[k] - meanV;
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
      }
      m[t] = meanC / C[t];
      s[t] = d > 1 ? Math.sqrt(sxx / (d - 1)) / C[t] : NaN;
      q[t] = (C[t] - minL) / (maxH - minL + EPS);
      c[t] = sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
    }
    roc.push(r);
    ma.push(m);
    sd.push(s);
    rsv.push(q);
    corr.push(c);
  }
  return [...kbar, ...roc, ...ma, ...sd, ...rsv, ...corr];
}
