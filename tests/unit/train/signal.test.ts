/**
 * Today's signal of a finished run (train/signal.ts) and the run's out-of-sample record (run-evaluation.ts), on a
 * data folder of the real files ending 2023-12-15 that the engine's updateData then extends to 2023-12-29 from a
 * local quote server: the newest dates, the probabilities the training process saved, the strategy's target
 * computed by hand, a baseline recomputed here, and no earlier date changed by the update.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignalDto } from '../../../src/shared/ipc-contract';
import { signalTrade, signalVerdict } from '../../../src/shared/signal';
import { loadDataset } from '../../../src/main/training/images/dataset';
import { selectBackend, type BackendInfo } from '../../../src/main/training/train/backend';
import { parseRunConfig } from '../../../src/main/training/train/config';
import { evaluateTestBlock, testFold } from '../../../src/main/training/train/run-evaluation';
import { executeRun, prepareRun, type PredictionsFile } from '../../../src/main/training/train/run-job';
import { readRunFolder } from '../../../src/main/training/train/run-folders';
import { todaysSignal } from '../../../src/main/training/train/signal';
import { dailyFile } from '../../helpers/data';
import { CODES, CUT, useUpdateFixture } from '../../helpers/update-fixture';

const fx = useUpdateFixture();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'fi-signal-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const POSITIONS: [number, number, number] = [-0.5, 0.25, 1];
const config = parseRunConfig(
  {
    dataset: { from: '2021-01-04', channels: ['000300', '000905'], lookbackDays: 20 },
    model: { preset: 'mlp' },
    train: { epochs: 2, batchSize: 32, earlyStoppingPatience: 0, backend: 'wasm' },
    walkForward: { window: 'rolling', trainDays: 300, testDays: 80 },
    // a strategy with three different positions, so the target tells the classes apart
    backtest: { positionMap: POSITIONS, holdDays: 14 },
  },
  'test config',
);

/** Balanced accuracy by hand: the mean recall over the classes that occur. */
function balancedAccuracy(truth: number[], pred: number[]): number {
  const recalls: number[] = [];
  for (let c = 0; c < 3; c++) {
    const rows = truth.map((t, k) => k).filter((k) => truth[k] === c);
    if (rows.length) recalls.push(rows.filter((k) => pred[k] === c).length / rows.length);
  }
  return recalls.reduce((a, b) => a + b, 0) / recalls.length;
}

let backend: BackendInfo;
let dataDir: string;
let runDir: string;
let before: SignalDto;

beforeAll(async () => {
  backend = await selectBackend('wasm');
  // the fixture's own folders last one test: this one lives for the file
  dataDir = path.join(tmp, 'data');
  mkdirSync(dataDir);
  for (const c of CODES) {
    const lines = readFileSync(dailyFile(c), 'utf8').split('\n');
    writeFileSync(path.join(dataDir, `${c}.csv`), lines.slice(0, lines.length - 1 - CUT).join('\n') + '\n');
  }
  runDir = prepareRun(path.join(tmp, 'runs'), 'r', config, dataDir, backend);
  const r = await executeRun(runDir, { backend });
  r.model.dispose();
  before = await todaysSignal(runDir, { dataDir, backend });
}, 240_000);

describe("today's signal", () => {
  it('predicts the newest dates of the data, the last H of them without a label, as the training process did', () => {
    expect(before.lastSampleDate).toBe('2023-12-15');
    expect(before.targetLastDate).toBe('2023-12-15');
    expect(before.rows).toHaveLength(14);
    expect(before.rows.at(-1)!.date).toBe('2023-12-15');
    expect(before.rows.every((r) => r.label === -1)).toBe(true);
    expect(before.dataChanged).toBe(false);
    // predictions.json was written by the training process from the model in memory; the signal loads it from disk
    const saved = JSON.parse(readFileSync(path.join(runDir, 'predictions.json'), 'utf8')) as PredictionsFile;
    for (const r of before.rows) {
      const k = saved.dates.indexOf(r.date);
      expect(k).toBeGreaterThanOrEqual(0);
      expect(r.pDown).toBeCloseTo(saved.probs[k][0], 6);
      expect(r.pFlat).toBeCloseTo(saved.probs[k][1], 6);
      expect(r.pUp).toBeCloseTo(saved.probs[k][2], 6);
      const p = [r.pDown, r.pFlat, r.pUp];
      expect(r.predicted).toBe(p.indexOf(Math.max(...p)));
    }
  });

  it("acts as the run's strategy: the target is the mean of the last 14 signals' positions", () => {
    expect(before.action).toMatchObject({ positionMap: POSITIONS, execution: 'next-open', holdDays: 14 });
    const mean = before.rows.reduce((a, r) => a + POSITIONS[r.predicted], 0) / 14;
    expect(before.action.target).toBeCloseTo(mean, 12);
    expect(before.rows.at(-1)!.target).toBeCloseTo(mean, 12);
    expect(before.action.previousTarget).toBeCloseTo(before.rows.at(-2)!.target, 12);
    const trade = signalTrade(before.action);
    const d = before.action.target - before.action.previousTarget;
    expect(trade.size).toBeCloseTo(Math.abs(d), 12);
    expect(trade.side).toBe(Math.abs(d) < 1e-9 ? 'none' : d > 0 ? 'buy' : 'sell');
  });

  it('shows the out-of-sample record of the test block: an interval and the baselines, persistence recomputed here', () => {
    const folder = readRunFolder(runDir);
    if (folder.kind !== 'train') throw new Error('not a run');
    const e = folder.evaluation!;
    const rec = before.record!;
    expect(rec).toMatchObject({ testStart: e.fold.testStart, testEnd: e.fold.testEnd, n: e.metrics.n });
    expect(rec.balancedAccuracy).toBe(e.metrics.balancedAccuracy);
    expect(rec.ci!.level).toBe(0.9);
    expect(rec.ci!.lo).toBeLessThanOrEqual(rec.balancedAccuracy!);
    expect(rec.ci!.hi).toBeGreaterThanOrEqual(rec.balancedAccuracy!);
    expect(rec.baselines.map((b) => b.name).sort()).toEqual(
      [
        'gradient-boosted trees',
        'logistic regression',
        'majority',
        'momentum 14+60d',
        'persistence',
        'random',
        'trend MA200',
      ].sort(),
    );
    const bas = rec.baselines.map((b) => b.balancedAccuracy ?? -1);
    expect(bas).toEqual([...bas].sort((a, b) => b - a));
    // persistence: the label of t-H predicts t, on the test block's labeled dates
    const { dataset } = loadDataset(config.dataset, dataDir);
    const fold = testFold(dataset, config);
    const truth = fold.test.map((i) => dataset.labels[i]);
    const pred = fold.test.map((i) => dataset.labels[i - 14]);
    const persistence = rec.baselines.find((b) => b.name === 'persistence')!;
    expect(persistence.balancedAccuracy).toBeCloseTo(balancedAccuracy(truth, pred), 12);
    expect(signalVerdict(rec)).toMatch(/^(chance|baseline|above)$/);
  });

  it('scores perfect probabilities as balanced accuracy 1 with the interval [1, 1]', () => {
    const { dataset, bars } = loadDataset(config.dataset, dataDir);
    const fold = testFold(dataset, config);
    const rows = [...fold.test, ...fold.predictOnly];
    const probs = rows.flatMap((i) => [0, 1, 2].map((c) => (dataset.labels[i] === c ? 1 : 0)));
    const { evaluation } = evaluateTestBlock(dataset, fold, probs, 'cpu', config, bars);
    expect(evaluation.metrics.balancedAccuracy).toBe(1);
    expect(evaluation.ci.balancedAccuracy).toMatchObject({ estimate: 1, lo: 1, hi: 1 });
    expect(evaluation.backtest.positionMap).toEqual(POSITIONS);
  });

  it('after a data update predicts the new newest dates and changes none of the earlier ones', async () => {
    const r = await fx.run(dataDir);
    expect(r.files.every((f) => f.status === 'updated')).toBe(true);
    const after = await todaysSignal(runDir, { dataDir, backend });
    expect(after.lastSampleDate).toBe('2023-12-29');
    expect(after.rows.at(-1)!.date).toBe('2023-12-29');
    expect(after.dataChanged).toBe(true);
    const shared = before.rows.filter((x) => after.rows.some((y) => y.date === x.date));
    expect(shared.length).toBeGreaterThan(0);
    for (const x of shared) {
      const y = after.rows.find((z) => z.date === x.date)!;
      expect([y.pDown, y.pFlat, y.pUp]).toEqual([x.pDown, x.pFlat, x.pUp]);
    }
  });
});
