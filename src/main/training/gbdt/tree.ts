/**
 * One regression tree grown leaf-wise on gradient histograms (LightGBM: Ke et al. 2017, "LightGBM: A Highly
 * Efficient Gradient Boosting Decision Tree", NeurIPS; leaf-wise growth and the histogram subtraction trick).
 *
 * Second-order split gain without the constant 1/2 (as LightGBM reports it), L2 penalty lambda:
 *   gain = G_L^2 / (H_L + lambda) + G_R^2 / (H_R + lambda) - G^2 / (H + lambda)
 * and leaf value -G / (H + lambda) (Chen & Guestrin 2016, XGBoost, eq. 5 and 7). A split sends rows with
 * bin <= threshold left; the missing-value bin 0 therefore always goes left (LightGBM would also try right).
 * Growth stops at numLeaves leaves, maxDepth, or when no split gains more than minGainToSplit while keeping
 * minDataInLeaf rows and minSumHessianInLeaf hessian on each side.
 */

export interface TreeParams {
  numLeaves: number;
  /** -1 = unlimited. */
  maxDepth: number;
  minDataInLeaf: number;
  minSumHessianInLeaf: number;
  lambdaL2: number;
  minGainToSplit: number;
}

export interface Tree {
  /** Internal nodes: split feature, threshold bin (left if bin <= threshold), children (>= 0 node, < 0 ~leaf). */
  feature: Int32Array;
  threshold: Int32Array;
  left: Int32Array;
  right: Int32Array;
  /** Output of each leaf (already multiplied by the learning rate by the booster). */
  leafValue: Float64Array;
}

/** Histogram layout shared by every tree of a booster: feature f's bins start at offset[f]. */
export interface HistLayout {
  n: number;
  d: number;
  binCount: Int32Array;
  offset: Int32Array;
  totalBins: number;
}

export function histLayout(n: number, binCount: Int32Array): HistLayout {
  const d = binCount.length;
  const offset = new Int32Array(d);
  let total = 0;
  for (let f = 0; f < d; f++) {
    offset[f] = total;
    total += binCount[f];
  }
  return { n, d, binCount, offset, totalBins: total };
}

interface Split {
  gain: number;
  feature: number;
  threshold: number;
  leftG: number;
  leftH: number;
  leftCount: number;
}

const NO_SPLIT: Split = { gain: -Infinity, feature: -1, threshold: -1, leftG: 0, leftH: 0, leftCount: 0 };

/** Reusable buffers of a booster: one histogram (gradient, hessian, count per bin) per potential leaf. */
export class TreeWorkspace {
  readonly hists: Float64Array[];
  readonly index: Int32Array;
  readonly scratch: Int32Array;
  constructor(
    readonly layout: HistLayout,
    numLeaves: number,
  ) {
    this.hists = Array.from({ length: numLeaves }, () => new Float64Array(layout.totalBins * 3));
    this.index = new Int32Array(layout.n);
    this.scratch = new Int32Array(layout.n);
  }
}

function buildHist(
  hist: Float64Array,
  bins: Uint8Array,
  L: HistLayout,
  features: Int32Array,
  index: Int32Array,
  begin: number,
  count: number,
  grad: Float64Array,
  hess: Float64Array,
): void {
  const n = L.n;
  for (let q = 0; q < features.length; q++) {
    const f = features[q];
    const o = L.offset[f];
    hist.fill(0, o * 3, (o + L.binCount[f]) * 3);
    const base = f * n;
    for (let k = begin, end = begin + count; k < end; k++) {
      const i = index[k];
      const h = (o + bins[base + i]) * 3;
      hist[h] += grad[i];
      hist[h + 1] += hess[i];
      hist[h + 2] += 1;
    }
  }
}

function subtractHist(
  out: Float64Array,
  parent: Float64Array,
  child: Float64Array,
  L: HistLayout,
  features: Int32Array,
): void {
  for (let q = 0; q < features.length; q++) {
    const f = features[q];
    for (let h = L.offset[f] * 3, end = (L.offset[f] + L.binCount[f]) * 3; h < end; h++)
      out[h] = parent[h] - child[h];
  }
}

function bestSplit(
  hist: Float64Array,
  L: HistLayout,
  features: Int32Array,
  G: number,
  H: number,
  count: number,
  p: TreeParams,
): Split {
  let best = NO_SPLIT;
  if (count < 2 * p.minDataInLeaf) return best;
  const parentScore = (G * G) / (H + p.lambdaL2);
  for (let q = 0; q < features.length; q++) {
    const f = features[q];
    const o = L.offset[f];
    const nb = L.binCount[f];
    let gl = 0;
    let hl = 0;
    let cl = 0;
    for (let b = 0; b < nb - 1; b++) {
      const h = (o + b) * 3;
      gl += hist[h];
      hl += hist[h + 1];
      cl += hist[h + 2];
      if (cl < p.minDataInLeaf || hl < p.minSumHessianInLeaf) continue;
      const cr = count - cl;
      const hr = H - hl;
      if (cr < p.minDataInLeaf) break;
      if (hr < p.minSumHessianInLeaf) continue;
      const gr = G - gl;
      const gain = (gl * gl) / (hl + p.lambdaL2) + (gr * gr) / (hr + p.lambdaL2) - parentScore;
      if (gain > best.gain) best = { gain, feature: f, threshold: b, leftG: gl, leftH: hl, leftCount: cl };
    }
  }
  return best;
}

/**
 * Grows one tree on the rows `rows` (indices into the binned matrix) with the features `features` (ascending).
 * grad and hess are per row of the binned matrix (sample weights already applied). Leaf values are
 * -G/(H+lambda) times `shrinkage`.
 */
export function growTree(
  bins: Uint8Array,
  ws: TreeWorkspace,
  rows: Int32Array,
  features: Int32Array,
  grad: Float64Array,
  hess: Float64Array,
  p: TreeParams,
  shrinkage: number,
): Tree {
  const L = ws.layout;
  const index = ws.index;
  index.set(rows);
  const maxLeaves = Math.max(1, Math.min(p.numLeaves, ws.hists.length));
  const begin = [0];
  const count = [rows.length];
  const depth = [0];
  const sumG = [0];
  const sumH = [0];
  for (let k = 0; k < rows.length; k++) {
    sumG[0] += grad[rows[k]];
    sumH[0] += hess[rows[k]];
  }
  // parent node of each leaf and whether the leaf is its left child (to rewire on split)
  const leafParent = [-1];
  const leafIsLeft = [false];
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  buildHist(ws.hists[0], bins, L, features, index, 0, rows.length, grad, hess);
  const best: Split[] = [bestSplit(ws.hists[0], L, features, sumG[0], sumH[0], rows.length, p)];

  while (begin.length < maxLeaves) {
    let l = -1;
    for (let k = 0; k < best.length; k++) {
      if (
        best[k].gain > p.minGainToSplit &&
        (p.maxDepth < 0 || depth[k] < p.maxDepth) &&
        (l < 0 || best[k].gain > best[l].gain)
      )
        l = k;
    }
    if (l < 0) break;
    const s = best[l];
    // stable partition of the leaf's rows: left rows first
    const b0 = begin[l];
    const n0 = count[l];
    const col = s.feature * L.n;
    let nl = 0;
    let nr = 0;
    const scratch = ws.scratch;
    for (let k = b0; k < b0 + n0; k++) {
      const i = index[k];
      if (bins[col + i] <= s.threshold) index[b0 + nl++] = i;
      else scratch[nr++] = i;
    }
    index.set(scratch.subarray(0, nr), b0 + nl);
    const node = feature.length;
    feature.push(s.feature);
    threshold.push(s.threshold);
    const r = begin.length;
    left.push(~l);
    right.push(~r);
    if (leafParent[l] >= 0) {
      if (leafIsLeft[l]) left[leafParent[l]] = node;
      else right[leafParent[l]] = node;
    }
    leafParent[l] = node;
    leafIsLeft[l] = true;
    leafParent.push(node);
    leafIsLeft.push(false);
    const gParent = sumG[l];
    const hParent = sumH[l];
    begin[l] = b0;
    count[l] = nl;
    sumG[l] = s.leftG;
    sumH[l] = s.leftH;
    begin.push(b0 + nl);
    count.push(nr);
    sumG.push(gParent - s.leftG);
    sumH.push(hParent - s.leftH);
    depth[l]++;
    depth.push(depth[l]);
    // Histogram subtraction: build the smaller child's histogram from its rows into slot r, turn the parent's
    // (slot l) into the larger child's by subtraction, then swap if needed so slot l is left and slot r right.
    const small = nl <= nr ? l : r;
    buildHist(ws.hists[r], bins, L, features, index, begin[small], count[small], grad, hess);
    subtractHist(ws.hists[l], ws.hists[l], ws.hists[r], L, features);
    if (small === l) {
      const tmp = ws.hists[l];
      ws.hists[l] = ws.hists[r];
      ws.hists[r] = tmp;
    }
    best[l] = bestSplit(ws.hists[l], L, features, sumG[l], sumH[l], count[l], p);
    best.push(bestSplit(ws.hists[r], L, features, sumG[r], sumH[r], count[r], p));
  }
  const leafValue = new Float64Array(begin.length);
  for (let k = 0; k < begin.length; k++) leafValue[k] = (-sumG[k] / (sumH[k] + p.lambdaL2)) * shrinkage;
  return {
    feature: Int32Array.from(feature),
    threshold: Int32Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    leafValue,
  };
}

/** Leaf reached by row i of a column-major binned matrix with n rows. */
export function leafOf(tree: Tree, bins: Uint8Array, n: number, i: number): number {
  if (tree.feature.length === 0) return 0;
  let node = 0;
  for (;;) {
    const next =
      bins[tree.feature[node] * n + i] <= tree.threshold[node] ? tree.left[node] : tree.right[node];
    if (next < 0) return ~next;
    node = next;
  }
}
