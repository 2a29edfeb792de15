/**
 * A study's progress as its entry points see it (train/study-job.ts on real CSI 300 bars, a tiny network): the
 * fold-training counts, the trainer's batch events of the fold in training (loss, accuracy, samples/s), every
 * epoch of every fold in epochs.jsonl, and after a cancel and a resume the epochs trained before the cancel
 * are still there while the retrained fold's epochs are replaced, not repeated.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bars } from '../../../src/shared/domain';
import type { FoldEpoch } from '../../../src/shared/training';
import { importFile } from '../../../src/main/training/data/import';
import { factorNames } from '../../../src/main/training/factors/registry';
import type { StudyProgress } from '../../../src/main/training/eval/study';
import { parseStudyConfig } from '../../../src/main/training/eval/study-config';
import { readFoldsCsv } from '../../../src/main/training/report/read';
import { selectBackend, type BackendInfo } from '../../../src/main/training/train/backend';
import { readStudyEpochs, STUDY_EPOCHS_FILE } from '../../../src/main/training/train/runs';
import { executeStudy } from '../../../src/main/training/train/study-job';
import { dailyFile } from '../../helpers/data';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fi-study-progress-'));
let backend: BackendInfo;
let bars: Map<string, Bars>;

const config = (outDir: string) =>
  parseStudyConfig(
    {
      dataset: {
        from: '2018-01-02',
        to: '2020-12-31',
        lookbackDays: 20,
        normWindowDays: 20,
        factors: factorNames().slice(0, 6),
      },
      model: { preset: 'cnn', width: 0.125, dropout: 0 },
      train: {
        epochs: 3,
        batchSize: 64,
        validationFraction: 0.15,
        earlyStoppingPatience: 0,
        backend: 'wasm',
      },
      walkForward: { window: 'rolling', trainDays: 250, testDays: 150 },
      seeds: [5],
      ablation: { channelSets: [['000300']], layouts: ['time-factor'] },
      bootstrap: { reps: 50, level: 0.9, seed: 1 },
      randomDraws: 3,
      outDir,
    },
    'test config',
  );

beforeAll(async () => {
  backend = await selectBackend('wasm');
  bars = new Map([['000300', importFile(dailyFile('000300'), { code: '000300' }).bars]]);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('study progress and epochs.jsonl', () => {
  it('counts fold trainings, forwards the fold trainer events and writes every epoch of every fold', async () => {
    const dir = path.join(tmp, 'full');
    const events: StudyProgress[] = [];
    const epochs: { fold: string; epoch: number; loss: number }[] = [];
    await executeStudy(config(dir), {
      bars,
      backend,
      onProgress: (p) => events.push(p),
      onEpoch: (fold, m) => epochs.push({ fold, epoch: m.epoch, loss: m.loss }),
    });
    const folds = readFoldsCsv(path.join(dir, 'folds.csv'));
    expect(folds.length).toBeGreaterThanOrEqual(2);
    const total = folds.length;
    // every event counts against the same total; done only grows and ends at the total
    expect(new Set(events.map((e) => e.total))).toEqual(new Set([total]));
    for (let k = 1; k < events.length; k++) expect(events[k].done).toBeGreaterThanOrEqual(events[k - 1].done);
    expect(events.at(-1)).toMatchObject({ done: total, phase: 'trained' });
    // while a fold trains, done counts the folds before it: the k-th fold trains with done = k
    const keys = folds.map((f) => `${f.cell}_s${f.seed}_f${String(f.fold).padStart(3, '0')}`);
    for (const e of events.filter((x) => x.phase === 'training')) expect(e.done).toBe(keys.indexOf(e.key));
    // the trainer's batch events come through with a measured speed
    const train = events.filter((e) => e.train?.phase === 'train').map((e) => e.train!);
    expect(train.length).toBeGreaterThan(0);
    expect(train.every((p) => p.samplesPerSecond > 0 && Number.isFinite(p.loss))).toBe(true);
    // one epoch line per epoch trained, folds in order, as folds.csv counts them
    const file = readStudyEpochs(dir);
    expect(file.length).toBe(folds.reduce((a, f) => a + f.epochs, 0));
    expect(file.map((m) => [m.fold, m.epoch, m.loss])).toEqual(epochs.map((m) => [m.fold, m.epoch, m.loss]));
    expect([...new Set(file.map((m) => m.fold))]).toEqual(keys);
  });

  it('keeps the epochs trained before a cancel; a resume replaces the retrained fold, it does not repeat it', async () => {
    const dir = path.join(tmp, 'cancelled');
    const controller = new AbortController();
    let seen = 0;
    const first = await executeStudy(config(dir), {
      bars,
      backend,
      signal: controller.signal,
      // cancel in the second fold, after its first epoch
      onEpoch: () => {
        if (++seen === 4) controller.abort();
      },
    });
    expect(first).toBeUndefined();
    const before = readStudyEpochs(dir);
    expect(before.length).toBe(4);
    const firstFold = before[0].fold;
    expect(before.filter((m) => m.fold === firstFold).map((m) => m.epoch)).toEqual([1, 2, 3]);

    const resumed: { fold: string; epoch: number }[] = [];
    await executeStudy(config(dir), {
      bars,
      backend,
      onEpoch: (fold, m) => resumed.push({ fold, epoch: m.epoch }),
    });
    // the first fold came from the fold cache: not trained again
    expect(resumed.some((m) => m.fold === firstFold)).toBe(false);
    const after = readStudyEpochs(dir);
    const folds = readFoldsCsv(path.join(dir, 'folds.csv'));
    expect(after.length).toBe(folds.reduce((a, f) => a + f.epochs, 0));
    // the epochs of the first fold are the very lines written before the cancel
    expect(after.slice(0, 3)).toEqual(before.slice(0, 3));
    // the second fold has epochs 1..3 once each (its partial epoch 1 was replaced by the retrained one)
    const second = before[3].fold;
    expect(after.filter((m: FoldEpoch) => m.fold === second).map((m) => m.epoch)).toEqual([1, 2, 3]);
  });

  it('refuses a damaged epochs.jsonl naming the file and the line', () => {
    const dir = path.join(tmp, 'full');
    const text = readFileSync(path.join(dir, STUDY_EPOCHS_FILE), 'utf8').split('\n');
    text[1] = '{"fold":"x","epoch":"two"}';
    const bad = path.join(tmp, 'bad');
    mkdirSync(bad, { recursive: true });
    writeFileSync(path.join(bad, STUDY_EPOCHS_FILE), text.join('\n'));
    expect(() => readStudyEpochs(bad)).toThrow(/epochs\.jsonl, line 2, field 'epoch'/);
  });
});
