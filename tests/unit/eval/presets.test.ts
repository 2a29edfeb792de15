/**
 * Every bundled study preset can be planned on the real data: datasets build and the walk-forward splits fit
 * (the `overnight` preset once asked for test dates before its first possible one and failed at once). The study
 * runs with an already-aborted signal, so it stops at its first training, after every check that can reject a
 * configuration.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStudy } from '../../../src/main/training/eval/study';
import {
  mergeConfig,
  parseStudyConfig,
  PRESETS,
  readJson,
  readPreset,
} from '../../../src/main/training/eval/study-config';
import { dailyDir } from '../../helpers/data';

describe('bundled study presets', () => {
  for (const name of PRESETS)
    it(`'${name}' builds its datasets and walk-forward folds on ../shared/data`, async () => {
      const out = mkdtempSync(path.join(os.tmpdir(), `fi-preset-${name}-`));
      try {
        const config = parseStudyConfig({ ...readPreset(name), outDir: out }, `preset ${name}`);
        const lines: string[] = [];
        const stopped = new AbortController();
        stopped.abort();
        await expect(
          runStudy(config, { dataDir: dailyDir(), signal: stopped.signal, log: (l) => lines.push(l) }),
        ).rejects.toThrow(/^study cancelled$/);
        // one dataset line per channel set and bar size, and per layout where the layouts differ (daily data: the
        // seed layout equals time-factor and is skipped; at 16 bars a day 224x224 and 896x56 are both built)
        const perSet = (config.ablation.barSizes ?? [config.dataset]).reduce(
          (n, b) => n + (b.barsPerDay > 1 ? config.ablation.layouts.length : 1),
          0,
        );
        expect(lines.filter((l) => l.startsWith('dataset ')).length).toBe(
          config.ablation.channelSets.length * perSet,
        );
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });

  it("the README's headline command is the overnight preset, every channel set, with a power sweep", () => {
    const preset = parseStudyConfig({ ...readPreset('overnight'), outDir: 'x' });
    const run = parseStudyConfig({
      ...mergeConfig(readPreset('overnight'), readJson('docs/overnight/headline.json')),
      outDir: 'x',
    });
    // only the power sweep differs: the five channel sets, layouts, seeds, model and budget are the preset's
    expect({ ...run, power: preset.power }).toEqual(preset);
    expect(run.ablation.channelSets.map((s) => s.join('+'))).toEqual([
      '000300',
      '000300+000001',
      '000300+000905',
      '000300+399006',
      '000300+000001+000905+399006',
    ]);
    expect(run.power).toMatchObject({ strengths: [0.1, 0.2], replicates: 1 });
    // what issue 14 asks of the headline study
    expect(run.seeds.length).toBeGreaterThanOrEqual(5);
    expect(run.model).toMatchObject({ preset: 'compact', width: 0.25 });
    expect(run.train.epochs).toBe(10);
    expect(run.walkForward.testFrom! < '2015-01-01').toBe(true);
  });
});
