/**
 * The power analysis at a study's own size and budget (run-power.ts), on a tiny config with the logistic-regression
 * stand-in: the cost estimate comes first (a probe, then the study's own fold cache once it has one), the sweep
 * writes power.json, a rerun reads every replicate back without training, and the study's verdict reads the
 * figure; a power.json of another configuration is refused with the reason.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Bars } from '../../../src/shared/domain';
import { importFile } from '../../../src/main/training/data/import';
import { powerFileOf, powerKey, type PowerFile } from '../../../src/main/training/eval/power/power-file';
import { estimatePower, powerStudyConfig, runPower } from '../../../src/main/training/eval/power/run-power';
import { runStudy } from '../../../src/main/training/eval/study';
import { parseStudyConfig } from '../../../src/main/training/eval/study-config';
import { selectBackend } from '../../../src/main/training/train/backend';
import { dailyFile } from '../../helpers/data';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fi-power-run-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const config = parseStudyConfig(
  {
    dataset: {
      from: '2007-01-04',
      to: '2019-12-31',
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
    seeds: [1],
    ablation: { channelSets: [['000300']], layouts: ['time-factor'] },
    bootstrap: { reps: 199, level: 0.9, seed: 3 },
    power: { strengths: [0, 0.15], replicates: 1 },
    randomDraws: 2,
    outDir: path.join(tmp, 'study'),
  },
  'power run test config',
);
const bars = new Map<string, Bars>([['000300', importFile(dailyFile('000300'), { code: '000300' }).bars]]);

describe('runPower on a tiny config', () => {
  it('estimates, sweeps, writes power.json, resumes from its replicates, and the verdict reads it', async () => {
    const backend = await selectBackend('wasm');
    const pc = powerStudyConfig(config);
    expect(pc.importance.enabled).toBe(false);
    expect(pc.baselines.include).toBe('chance');
    expect(pc.outDir).toBe(path.join(path.resolve(config.outDir), 'power'));

    const est = await estimatePower(config, bars, { backend });
    expect(est.studies).toBe(2);
    expect(est.trainingsPerStudy).toBe(est.folds);
    expect(est.source).toMatch(/training probe/);
    expect(est.totalSeconds).toBeGreaterThan(0);

    const lines: string[] = [];
    const first = await runPower({ config, realBars: bars, hooks: { backend, log: (l) => lines.push(l) } });
    const file = powerFileOf(config);
    expect(existsSync(file)).toBe(true);
    const onDisk = JSON.parse(readFileSync(file, 'utf8')) as PowerFile;
    expect(onDisk.key).toBe(powerKey(config));
    expect(onDisk.analysis.runs.map((r) => r.strength)).toEqual([0, 0.15]);
    // the strong plant is found, by the same verdict procedure as the study's
    expect(onDisk.analysis.runs[1].detected).toBe(true);
    expect(onDisk.power.strengths).toEqual([0, 0.15]);
    expect(onDisk.power.note).toMatch(/primary cell only/);

    // resumable: every replicate is read back, nothing retrained
    const again: string[] = [];
    const second = await runPower({ config, realBars: bars, hooks: { backend, log: (l) => again.push(l) } });
    expect(again.filter((l) => /read from/.test(l))).toHaveLength(2);
    expect(second.analysis.runs).toEqual(first.analysis.runs);

    // the study on the real bars reads power.json into its verdict
    const r = await runStudy(config, { bars, backend });
    expect(r.statistics.power).toEqual(onDisk.power);
    expect(r.statistics.verdict.sentence).toMatch(
      /would have detected an edge of [\d.]+ pp or more with 80 % power|found no planted strength/,
    );
    expect(r.powerNote).toContain(file);
    // with the study's fold cache the estimate uses its own fold times
    const est2 = await estimatePower(config, bars, { backend });
    expect(est2.source).toMatch(/fold times of the real study's cache/);

    // a power.json of another configuration is not used, and the study says why
    writeFileSync(file, JSON.stringify({ ...onDisk, key: 'another' }));
    const other = await runStudy(config, { bars, backend });
    expect(other.statistics.power).toBeNull();
    expect(other.notes.join(' ')).toMatch(/another configuration or other data.*not used/);
  }, 600_000);
});
