/**
 * The verdict procedure's error rates and the power driver. Fast stand-ins (simulated predictions) for the many-run
 * rates; one real pipeline run (runStudy with the logistic-regression stand-in model on surrogate bars) for the
 * planted-signal claim.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Bars } from '../../../src/shared/domain';
import type { StudyStatistics } from '../../../src/shared/study-statistics';
import { importFile } from '../../../src/main/training/data/import';
import { powerAnalysis, powerDto } from '../../../src/main/training/eval/power/power-analysis';
import { simulatedStudyInput } from '../../../src/main/training/eval/power/simulate';
import { surrogateStudyRunner } from '../../../src/main/training/eval/power/surrogate-study';
import { studyStatistics } from '../../../src/main/training/eval/statistics/study-statistics';
import { parseStudyConfig } from '../../../src/main/training/eval/study-config';
import { selectBackend } from '../../../src/main/training/train/backend';
import { dailyFile } from '../../helpers/data';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fi-power-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('verdict procedure on simulated studies (fast stand-in)', () => {
  it('pure noise: the false-positive rate over 200 studies is near the nominal one-sided 5 %', () => {
    let detected = 0;
    const runs = 200;
    for (let s = 0; s < runs; s++) {
      const st = studyStatistics(
        simulatedStudyInput({ rows: 400, folds: 4, seeds: 3, edge: 0, seed: 10_000 + s }),
      );
      if (st.verdict.edgeDetected) detected++;
    }
    // binomial sd at 5 % over 200 runs is 1.5 pp; seed resampling may make the procedure a little conservative
    expect(detected / runs).toBeLessThan(0.1);
    expect(detected / runs).toBeGreaterThan(0.005);
  });

  it('power driver: power rises with the planted strength and the 80 % point is found', async () => {
    const a = await powerAnalysis({
      strengths: [0, 0.02, 0.05, 0.12],
      replicates: 20,
      runOne: async (strength, r) => ({
        statistics: studyStatistics(
          simulatedStudyInput({ rows: 400, folds: 4, seeds: 3, edge: strength, seed: 50_000 + 97 * r }),
        ),
      }),
    });
    expect(a.falsePositiveRate).toBe(a.power[0]);
    expect(a.power[0]).toBeLessThanOrEqual(0.15);
    expect(a.power[3]).toBe(1);
    expect(a.power[3]).toBeGreaterThanOrEqual(a.power[1]);
    // the smallest strength from which on every power is >= 80 %
    let k = a.power.length;
    while (k > 0 && a.power[k - 1] >= 0.8) k--;
    expect(k).toBeLessThan(a.power.length);
    expect(a.minimumStrength).toBe(a.strengths[k]);
    expect(a.minimumDetectableEdge).toBeCloseTo(a.meanEdge[k]!, 15);
    expect(a.minimumDetectableEdge!).toBeGreaterThan(0);
    expect(a.meanEdge[0]!).toBeLessThan(a.meanEdge[3]!);
    const dto = powerDto(a, 'simulated predictions');
    expect(dto.edge).toBe(a.minimumDetectableEdge);
    expect(dto.note).toMatch(/80 % power first at planted strength/);
  });

  it('a lone lucky strength below a weaker one does not count', async () => {
    const fake = (detected: boolean, edge: number) =>
      ({
        verdict: { edgeDetected: detected },
        cells: [{ key: 'c', vsBestBaseline: { edge: detected, difference: { estimate: edge } } }],
      }) as unknown as StudyStatistics; // only the fields the driver reads
    const pattern: Record<number, boolean[]> = { 1: [true, true], 2: [true, false], 3: [true, true] };
    const a = await powerAnalysis({
      strengths: [1, 2, 3],
      replicates: 2,
      runOne: async (s, r) => ({ statistics: fake(pattern[s][r], s / 100) }),
    });
    expect(a.power).toEqual([1, 0.5, 1]);
    expect(a.minimumStrength).toBe(3);
    expect(a.minimumDetectableEdge).toBeCloseTo(0.03, 15);
  });

  it('when nothing reaches 80 % power the summary says so', async () => {
    const a = await powerAnalysis({
      strengths: [0],
      replicates: 5,
      runOne: async (_s, r) => ({
        statistics: studyStatistics(
          simulatedStudyInput({ rows: 300, folds: 3, seeds: 2, edge: 0, seed: 77 + r }),
        ),
      }),
    });
    expect(a.minimumDetectableEdge).toBeNull();
    expect(powerDto(a, 'x').note).toMatch(/did not learn even the strongest planted signal/);
  });
});

describe('planted signal through the real study pipeline (logistic-regression stand-in, surrogate bars)', () => {
  it('a strong plant is detected: interval above the best baseline, low PBO, high DSR', async () => {
    const realBars = new Map<string, Bars>(
      ['000300'].map((c) => [c, importFile(dailyFile(c), { code: c }).bars]),
    );
    const backend = await selectBackend('wasm');
    const config = parseStudyConfig(
      {
        dataset: {
          from: '2007-01-04',
          to: '2019-12-31',
          // clv sees the planted candle; the others are there to be ignored
          factors: ['clv', 'roc_5', 'rsi_6', 'vol_ratio_5', 'hl_range', 'ma_dev_5'],
        },
        model: { preset: 'logreg' },
        train: {
          epochs: 30,
          batchSize: 64,
          learningRate: 0.01,
          validationFraction: 0.15,
          earlyStoppingPatience: 0,
          backend: 'wasm',
        },
        walkForward: { window: 'rolling', trainDays: 500, testDays: 250 },
        seeds: [1, 2],
        ablation: { channelSets: [['000300']], layouts: ['time-factor'] },
        bootstrap: { reps: 199, level: 0.9, seed: 3 },
        // as the power runs do (run-power.ts): on surrogates the rules follow the planted drift, the models its candle
        baselines: { include: 'chance' },
        randomDraws: 2,
        outDir: tmp,
      },
      'power test config',
    );
    const runOne = surrogateStudyRunner({ config, realBars, hooks: { backend }, baseSeed: 5 });
    // +/-15 % drift over the 14 dates after each candle: strong, yet the model recovers only part of it
    const { statistics: s, plantedEdge } = await runOne(0.15, 0);
    const cell = s.cells[0];
    expect(s.verdict.edgeDetected).toBe(true);
    expect(cell.vsBestBaseline.difference.lo!).toBeGreaterThan(0);
    expect(cell.balancedAccuracy.interval.lo!).toBeGreaterThan(s.chance.best.balancedAccuracy!);
    expect(s.overfitting.pbo!.value).toBeLessThan(0.2);
    expect(s.overfitting.deflatedSharpe!.best).toBe(cell.key);
    expect(s.overfitting.deflatedSharpe!.dsr!).toBeGreaterThan(0.95);
    expect(plantedEdge!).toBeGreaterThan(0);
    expect(s.blockLength.value).toBeGreaterThanOrEqual(14);
    expect(cell.topClassProbability.underfit).toBe(false);
    // everything the report reads is plain JSON
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  }, 300_000); // a whole walk-forward study: ~40 s on a quiet machine, more on a loaded one
});
