import { describe, expect, it } from 'vitest';
import { simulatedStudyInput } from '../../../src/main/training/eval/power/simulate';
import { balancedAccuracy } from '../../../src/main/training/eval/statistics/chance';
import { EnsembleCache } from '../../../src/main/training/eval/statistics/two-level-bootstrap';
import { studyStatistics } from '../../../src/main/training/eval/statistics/study-statistics';
import { mulberry32, randNormal } from '../../../src/main/training/random';

/** A simulated study with a reference cell (no edge), a copy of it and a cell with a real edge. */
function threeCells() {
  const base = simulatedStudyInput({ rows: 400, folds: 4, seeds: 3, edge: 0, seed: 21 });
  const good = simulatedStudyInput({ rows: 400, folds: 4, seeds: 3, edge: 0.25, seed: 21 });
  const rng = mulberry32(5);
  const T = 300;
  const bh = Float64Array.from({ length: T }, () => 0.0003 + 0.012 * randNormal(rng));
  return {
    ...base,
    cells: [
      { ...base.cells[0], key: '000300_time-factor' },
      { ...base.cells[0], key: '000300+000001_time-factor', channels: ['000300', '000001'] },
      { ...good.cells[0], key: '000300+000905_time-factor', channels: ['000300', '000905'] },
    ],
    reference: '000300_time-factor',
    strategies: [
      { name: '000300_time-factor', kind: 'cell' as const, returns: bh.map((r) => 0.5 * r) },
      { name: 'majority', kind: 'baseline' as const, returns: bh.map(() => 0) },
    ],
    buyHold: bh,
    cashRatePerDay: 0.00005,
  };
}

describe('studyStatistics', () => {
  const input = threeCells();
  const s = studyStatistics(input);

  it('composes the pieces: ensemble balanced accuracy, best baseline, block length with H as floor', () => {
    const labeled = [...Array(400).keys()].filter((i) => input.labels[i] >= 0);
    const truth = Int8Array.from(labeled, (i) => input.labels[i]);
    const c = input.cells[2];
    const cache = new EnsembleCache(
      c.seeds.map((x) => Float64Array.from(labeled.flatMap((i) => [0, 1, 2].map((k) => x.probs[i * 3 + k])))),
      labeled.length,
    );
    expect(s.cells[2].balancedAccuracy.pooled).toBeCloseTo(
      balancedAccuracy(truth, cache.predictions([0, 1, 2])),
      15,
    );
    expect(s.cells[2].balancedAccuracy.interval.estimate).toBeCloseTo(
      s.cells[2].balancedAccuracy.pooled!,
      15,
    );
    expect(s.cells[2].balancedAccuracy.perSeed.length).toBe(3);
    expect(s.chance.baselines.map((b) => b.name)).toEqual(['majority', 'random']);
    expect(s.chance.best.balancedAccuracy).toBe(Math.max(...s.chance.baselines.map((b) => b.pooled!)));
    expect(s.blockLength.value).toBeGreaterThanOrEqual(14);
    expect(s.blockLength.horizonFloor).toBe(14);
    expect(s.labeledRows).toBe(labeled.length);
  });

  it('families: the real edge is detected after Holm, the copies are not; the ablation names the family', () => {
    expect(s.verdict.cells).toEqual(['000300+000905_time-factor']);
    expect(s.verdict.edgeDetected).toBe(true);
    expect(s.cellFamily.members.length).toBe(3);
    const abl = s.ablation!;
    expect(abl.reference).toBe('000300_time-factor');
    expect(abl.members).toEqual(['000300+000001_time-factor', '000300+000905_time-factor']);
    const copy = abl.comparisons[0];
    expect(copy.difference.estimate).toBe(0);
    // each cell draws its own seeds, so even a copy's difference spreads around 0 (training randomness)
    expect(copy.difference.lo!).toBeLessThan(0);
    expect(copy.difference.hi!).toBeGreaterThan(0);
    expect(copy.verdict).toBe('no-difference');
    expect(abl.comparisons[1].verdict).toBe('better');
    for (const c of abl.comparisons) expect(c.pHolm!).toBeGreaterThanOrEqual(c.pValue! - 1e-15);
    expect(abl.adjustment).toMatch(/Holm.*Romano–Wolf/);
  });

  it('overfitting block over the strategies, and plain JSON throughout', () => {
    const o = s.overfitting;
    expect(o.strategies.map((x) => x.name)).toEqual(['000300_time-factor', 'majority']);
    expect(o.deflatedSharpe!.trials).toBe(2);
    expect(o.pbo!.blocks).toBe(16);
    expect(o.spa!.best).toBe('000300_time-factor');
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    expect(s.verdict.sentence).toMatch(/^Edge detected: 000300\+000905_time-factor beats the best baseline/);
  });

  it('refuses a configured block length below H and probabilities of the wrong length', () => {
    expect(() => studyStatistics({ ...input, bootstrap: { ...input.bootstrap, blockLength: 5 } })).toThrow(
      /below the label horizon 14/,
    );
    expect(() =>
      studyStatistics({
        ...input,
        cells: [{ ...input.cells[0], seeds: [{ seed: 1, probs: [0.3, 0.3, 0.4] }] }],
      }),
    ).toThrow(/1 rows, expected 400/);
  });

  it('pure noise reads as no edge, with the power analysis in the sentence when given', () => {
    const noise = simulatedStudyInput({ rows: 400, folds: 4, seeds: 3, edge: 0, seed: 10_003 });
    const n = studyStatistics({
      ...noise,
      power: { edge: 0.031, strengths: [0, 0.05], power: [0.05, 0.85], note: 'simulated' },
    });
    expect(n.verdict.edgeDetected).toBe(false);
    expect(n.verdict.sentence).toMatch(/^No edge detected/);
    expect(n.verdict.sentence).toMatch(/would have detected an edge of 3\.1 pp or more with 80 % power/);
  });
});
