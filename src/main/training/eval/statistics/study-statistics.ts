/**
 * Every engine statistic of a study in one call: chance from the same rows, two-level bootstrap intervals, the
 * family adjustments, Brier / reliability / IC, the underfitting warning and the backtest-overfitting statistics
 * (PSR, DSR, PBO, SPA). Pure: rows, probabilities and returns in, a JSON-serialisable StudyStatistics out. The
 * methods live one per file beside this one; this file only composes them.
 */
import type { CellStatisticsDto, IntervalDto, StudyStatistics } from '../../../../shared/study-statistics';
import type { Interval } from '../bootstrap';
import { NUM_CLASSES } from '../metrics';
import { brierOfRates, brierScore } from './brier';
import {
  balancedAccuracy,
  baselineBalancedAccuracy,
  chanceBaselines,
  perFoldBalancedAccuracy,
  type BaselineRows,
} from './chance';
import { holmAdjust } from './holm';
import { informationCoefficient } from './information-coefficient';
import { chooseBlockLength } from './politis-white';
import { romanoWolf } from './romano-wolf';
import { reliabilityDiagram } from './reliability';
import { centredPValue, EnsembleCache, intervalFromDraws, jointBootstrap } from './two-level-bootstrap';
import { topClassProbability } from './underfit';
import { overfittingStatistics, type StrategyReturns } from './overfitting';

export interface StudyStatisticsInput {
  /** Label horizon H in trading days: the floor of every block length. */
  horizonDays: number;
  /** Study rows (test dates of every fold, then unlabeled dates predicted for output). */
  dates: string[];
  /** Class of each row, -1 where unknown. */
  labels: ArrayLike<number>;
  /** Realised forward return of each row (fraction; NaN where unknown). */
  forwardReturns: ArrayLike<number>;
  /** Fold of each row. */
  rowFold: ArrayLike<number>;
  /** Per cell, each seed's probabilities over the study rows (rows x 3, row-major). */
  cells: { key: string; channels: string[]; seeds: { seed: number; probs: ArrayLike<number> }[] }[];
  /** The single-index cell the overlays are compared with (the ablation family); omit for none. */
  reference?: string;
  /**
   * Instead of every cell against `reference`: these pairs, each cell against its own reference (a bar-size or
   * model study: each variant cell with the cell of the same channels on the other bar size or model).
   */
  pairs?: { cell: string; reference: string }[];
  /** Chance and simple baselines over the study rows (majority classes, random rates, persistence, ...). */
  baselines: BaselineRows[];
  /** Per-row class rates of the training folds, for the Brier reference; default: the 'rates' baseline. */
  classRates?: ArrayLike<ArrayLike<number>>;
  /** Daily returns inside segments, every strategy on the same days (stats.backtestDailyReturns). */
  strategies: StrategyReturns[];
  buyHold: ArrayLike<number>;
  cashRatePerDay: number;
  tradingDaysPerYear: number;
  /** Configurations tried, for the DSR's N when more were tried than passed; default strategies.length. */
  trials?: number;
  bootstrap: { reps: number; level: number; seed: number; blockLength?: number };
  pboBlocks?: number;
  underfitThreshold?: number;
  /** Result of powerAnalysis(), if one was run. */
  power?: StudyStatistics['power'];
}

const num = (x: number | undefined): number | null => (x !== undefined && Number.isFinite(x) ? x : null);

export function intervalDto(i: Interval): IntervalDto {
  return {
    estimate: num(i.estimate),
    lo: num(i.lo),
    hi: num(i.hi),
    se: num(i.se),
    level: i.level,
    reps: i.reps,
    blockLength: i.blockLength,
  };
}

/** Gathers rows x 3 probabilities of the given rows. */
function probsOnRows(p: ArrayLike<number>, rows: number[]): Float64Array {
  const out = new Float64Array(rows.length * NUM_CLASSES);
  rows.forEach((r, k) => {
    for (let c = 0; c < NUM_CLASSES; c++) out[k * NUM_CLASSES + c] = p[r * NUM_CLASSES + c];
  });
  return out;
}

function onRows<T>(x: ArrayLike<T>, rows: number[]): T[] {
  return rows.map((r) => x[r]);
}

function restrictBaseline(b: BaselineRows, rows: number[]): BaselineRows {
  return b.kind === 'classes'
    ? { ...b, pred: Int8Array.from(rows, (r) => b.pred[r]) }
    : { ...b, rates: rows.map((r) => b.rates[r]) };
}

const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)} %`);

/** All statistics of a study (see the file comment). */
export function studyStatistics(input: StudyStatisticsInput): StudyStatistics {
  const { bootstrap: bo, horizonDays: H } = input;
  const level = bo.level;
  const nRows = input.dates.length;
  for (const c of input.cells)
    for (const s of c.seeds)
      if (s.probs.length !== nRows * NUM_CLASSES)
        throw new Error(
          `studyStatistics: ${c.key} seed ${s.seed} has ${s.probs.length / 3} rows, expected ${nRows}`,
        );
  const labeled = Array.from({ length: nRows }, (_, i) => i).filter((i) => input.labels[i] >= 0);
  const n = labeled.length;
  if (n < 8) throw new Error(`studyStatistics: ${n} labeled rows are too few`);
  const truth = Int8Array.from(labeled, (i) => input.labels[i]);
  const fold = Int32Array.from(labeled, (i) => input.rowFold[i]);

  // ---- chance on the same rows
  const chance = chanceBaselines(input.labels, input.rowFold, input.baselines);
  const bestBaseline = restrictBaseline(input.baselines.find((b) => b.name === chance.best.name)!, labeled);

  // ---- per-cell seed ensembles on the labeled rows
  const caches = input.cells.map(
    (c) =>
      new EnsembleCache(
        c.seeds.map((s) => probsOnRows(s.probs, labeled)),
        n,
      ),
  );
  const seedPreds = caches.map((cache, g) => input.cells[g].seeds.map((_, s) => cache.predictions([s])));
  const allSeeds = (g: number) => input.cells[g].seeds.map((_, s) => s);

  // ---- block length: Politis–White on every cell's correctness series and strategy returns, H as the floor
  const chosen = chooseBlockLength(
    [
      ...input.cells.map((c, g) => {
        const pred = caches[g].predictions(allSeeds(g));
        return {
          name: `${c.key} correct`,
          values: Float64Array.from(truth, (y, k) => (pred[k] === y ? 1 : 0)),
        };
      }),
      ...input.strategies
        .filter((s) => s.returns.length >= 8)
        .map((s) => ({ name: `${s.name} daily return`, values: s.returns })),
    ],
    H,
  );
  const L = bo.blockLength ?? chosen.blockLength;
  if (L < H) throw new Error(`studyStatistics: block length ${L} is below the label horizon ${H}`);

  // ---- one joint two-level bootstrap: every statistic sees the same rows
  const reference = input.reference ? input.cells.findIndex((c) => c.key === input.reference) : -1;
  const indexOf = (key: string) => {
    const g = input.cells.findIndex((c) => c.key === key);
    if (g < 0) throw new Error(`studyStatistics: no cell '${key}' for the ablation pair`);
    return g;
  };
  // the ablation family: [cell, its reference] per comparison
  const comparisons: [number, number][] = input.pairs
    ? input.pairs.map((p) => [indexOf(p.cell), indexOf(p.reference)])
    : reference >= 0
      ? input.cells.flatMap((_, g): [number, number][] => (g === reference ? [] : [[g, reference]]))
      : [];
  const ablationCells = comparisons.map(([g]) => g);
  const G = input.cells.length;
  const seedOffsets: number[] = [];
  let nStats = 3 * G + ablationCells.length;
  input.cells.forEach((c) => {
    seedOffsets.push(nStats);
    nStats += c.seeds.length;
  });
  const joint = jointBootstrap(
    n,
    input.cells.map((c) => c.seeds.length),
    (rows, picks) => {
      const out = new Float64Array(nStats);
      const base = baselineBalancedAccuracy(truth, bestBaseline, rows);
      const ba = picks.map((p, g) => balancedAccuracy(truth, caches[g].predictions(p), rows));
      for (let g = 0; g < G; g++) {
        out[g] = ba[g];
        out[G + g] = ba[g] - base;
        out[2 * G + g] = base;
      }
      comparisons.forEach(([g, r], j) => (out[3 * G + j] = ba[g] - ba[r]));
      for (let g = 0; g < G; g++)
        seedPreds[g].forEach((pred, s) => (out[seedOffsets[g] + s] = balancedAccuracy(truth, pred, rows)));
      return out;
    },
    { blockLength: L, reps: bo.reps, seed: bo.seed },
  );
  const iv = (j: number) => intervalFromDraws(joint.estimate[j], joint.draws[j], level, L);

  // ---- the family of cells against the best baseline (one-sided), Holm and Romano–Wolf
  const alphaOneSided = Math.round(((1 - level) / 2) * 1e9) / 1e9;
  const pCells = input.cells.map((_, g) =>
    centredPValue(joint.estimate[G + g], joint.draws[G + g], 'greater'),
  );
  const pCellsHolm = holmAdjust(pCells);
  const pCellsRw = romanoWolf({
    statistics: input.cells.map((_, g) => joint.estimate[G + g]),
    draws: input.cells.map((_, g) => joint.draws[G + g]),
    alternative: 'greater',
  });

  // ---- the ablation family (two-sided)
  const alphaTwoSided = Math.round((1 - level) * 1e9) / 1e9;
  const pAbl = ablationCells.map((_, j) => centredPValue(joint.estimate[3 * G + j], joint.draws[3 * G + j]));
  const pAblHolm = holmAdjust(pAbl);
  const pAblRw = romanoWolf({
    statistics: ablationCells.map((_, j) => joint.estimate[3 * G + j]),
    draws: ablationCells.map((_, j) => joint.draws[3 * G + j]),
  });

  const rates =
    input.classRates ??
    (input.baselines.find((b) => b.kind === 'rates') as Extract<BaselineRows, { kind: 'rates' }> | undefined)
      ?.rates;
  const cells: CellStatisticsDto[] = input.cells.map((c, g) => {
    const ensembleAll = new Float64Array(nRows * NUM_CLASSES);
    for (const s of c.seeds)
      for (let k = 0; k < ensembleAll.length; k++) ensembleAll[k] += s.probs[k] / c.seeds.length;
    const ensLabeled = probsOnRows(ensembleAll, labeled);
    const pred = caches[g].predictions(allSeeds(g));
    const perFold = perFoldBalancedAccuracy(truth, pred, fold);
    const rel = reliabilityDiagram(truth, ensLabeled, { bins: 10, binning: 'quantile' });
    const ic = informationCoefficient(ensembleAll, input.forwardReturns, {
      blockLength: L,
      reps: bo.reps,
      level,
      seed: bo.seed,
    });
    const top = topClassProbability(ensembleAll, input.underfitThreshold);
    return {
      key: c.key,
      channels: c.channels,
      seeds: c.seeds.map((s) => s.seed),
      balancedAccuracy: {
        pooled: num(perFold.pooled),
        foldMean: num(perFold.foldMean),
        folds: perFold.folds.map((f) => ({ ...f, balancedAccuracy: num(f.balancedAccuracy) })),
        interval: intervalDto(iv(g)),
        perSeed: c.seeds.map((s, k) => ({ seed: s.seed, interval: intervalDto(iv(seedOffsets[g] + k)) })),
      },
      vsBestBaseline: {
        baseline: chance.best.name,
        difference: intervalDto(iv(G + g)),
        pValue: num(pCells[g]),
        pHolm: num(pCellsHolm[g]),
        pRomanoWolf: num(pCellsRw[g]),
        edge: pCellsHolm[g] < alphaOneSided,
      },
      brier: num(brierScore(truth, ensLabeled)),
      brierReference: rates ? num(brierOfRates(truth, onRows(rates, labeled))) : null,
      reliability: {
        binning: rel.binning,
        ece: num(rel.ece),
        bins: rel.bins.map((b) => ({
          lo: num(b.lo),
          hi: num(b.hi),
          count: b.count,
          meanForecast: num(b.meanForecast),
          observed: num(b.observed),
        })),
      },
      informationCoefficient: { ...intervalDto(ic), n: ic.n },
      topClassProbability: {
        median: num(top.median),
        p05: num(top.p05),
        p95: num(top.p95),
        threshold: top.threshold,
        underfit: top.underfit,
      },
    };
  });

  const ablation =
    comparisons.length && (reference >= 0 || input.pairs)
      ? {
          reference: input.cells[reference >= 0 ? reference : comparisons[0][1]].key,
          members: ablationCells.map((g) => input.cells[g].key),
          alpha: alphaTwoSided,
          adjustment: input.pairs
            ? `Holm (verdicts) and Romano–Wolf step-down, two-sided, over the ${comparisons.length} paired comparisons, each cell with its reference cell`
            : `Holm (verdicts) and Romano–Wolf step-down, two-sided, over the ${ablationCells.length} overlay comparisons with ${input.cells[reference].key}`,
          comparisons: comparisons.map(([g, r], j) => {
            const d = iv(3 * G + j);
            const significant = pAblHolm[j] < alphaTwoSided;
            return {
              key: input.cells[g].key,
              ...(input.pairs ? { reference: input.cells[r].key } : {}),
              channels: input.cells[g].channels,
              difference: intervalDto(d),
              pValue: num(pAbl[j]),
              pHolm: num(pAblHolm[j]),
              pRomanoWolf: num(pAblRw[j]),
              verdict: (significant ? (d.estimate > 0 ? 'better' : 'worse') : 'no-difference') as
                | 'better'
                | 'worse'
                | 'no-difference',
            };
          }),
        }
      : null;

  const overfitting = overfittingStatistics({
    strategies: input.strategies,
    buyHold: input.buyHold,
    cashRatePerDay: input.cashRatePerDay,
    tradingDaysPerYear: input.tradingDaysPerYear,
    trials: input.trials,
    blockLength: L,
    reps: bo.reps,
    seed: bo.seed,
    pboBlocks: input.pboBlocks ?? 16,
  });

  const edgeCells = cells.filter((c) => c.vsBestBaseline.edge).map((c) => c.key);
  const underfit = cells.filter((c) => c.topClassProbability.underfit).map((c) => c.key);
  const lvl = `${Math.round(level * 100)} %`;
  const sentence =
    (edgeCells.length
      ? `Edge detected: ${edgeCells.join(', ')} beat${edgeCells.length === 1 ? 's' : ''} the best baseline (${chance.best.name}, ${pct(num(chance.best.balancedAccuracy))} balanced accuracy on the same ${n} rows), Holm-adjusted one-sided p < ${alphaOneSided} over ${G} cell(s).`
      : `No edge detected: no cell's balanced accuracy beats the best baseline (${chance.best.name}, ${pct(num(chance.best.balancedAccuracy))} on the same ${n} rows) after Holm's adjustment over ${G} cell(s) (one-sided ${alphaOneSided}; two-level ${lvl} intervals, blocks of ${L} days).`) +
    (input.power && input.power.edge !== null
      ? ` This study would have detected an edge of ${(input.power.edge * 100).toFixed(1)} pp or more with 80 % power (${input.power.note}).`
      : input.power
        ? ` The power analysis found no planted strength this study detects with 80 % power (${input.power.note}).`
        : '') +
    (underfit.length
      ? ` Underfitting: the median top-class probability of ${underfit.join(', ')} is below ${cells[0].topClassProbability.threshold}, barely off the uniform 1/3.`
      : '');

  return {
    version: 1,
    level,
    labeledRows: n,
    blockLength: {
      value: L,
      horizonFloor: H,
      fromConfig: bo.blockLength !== undefined,
      perSeries: chosen.perSeries.map((p) => ({
        name: p.name,
        circular: num(p.circular),
        stationary: num(p.stationary),
      })),
      rule: bo.blockLength !== undefined ? `fixed by the config (${bo.blockLength})` : chosen.rule,
    },
    chance: {
      baselines: chance.baselines.map((b) => ({
        name: b.name,
        pooled: num(b.pooled),
        foldMean: num(b.foldMean),
        folds: b.folds.map((f) => ({ ...f, balancedAccuracy: num(f.balancedAccuracy) })),
      })),
      best: { name: chance.best.name, balancedAccuracy: num(chance.best.balancedAccuracy) },
    },
    cells,
    cellFamily: {
      members: input.cells.map((c) => c.key),
      alpha: alphaOneSided,
      adjustment: `Holm (verdicts) and Romano–Wolf step-down, one-sided, over the ${G} cell(s) against the best baseline`,
    },
    ablation,
    overfitting,
    power: input.power ?? null,
    verdict: { edgeDetected: edgeCells.length > 0, cells: edgeCells, underfit, sentence },
  };
}
