/**
 * `--jobs`: shards of a study's fold trainings (trainStudyShard, trainPowerShard) split the work without gaps or
 * overlap, and the study (or power analysis) scored afterwards reads every fold from the cache and gives exactly
 * the numbers of a run in one process. Real CSI 300 / SSE data, the logistic-regression stand-in on cpu.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bars } from '../../../src/shared/domain';
import { importFile } from '../../../src/main/training/data/import';
import { runPower, trainPowerShard } from '../../../src/main/training/eval/power/run-power';
import { inShard, runStudy, trainStudyShard } from '../../../src/main/training/eval/study';
import { isFoldFile } from '../../../src/main/training/eval/study/fold-cache';
import { parseStudyConfig } from '../../../src/main/training/eval/study-config';
import { selectBackend, type BackendInfo } from '../../../src/main/training/train/backend';
import { dailyFile } from '../../helpers/data';
import { tinyStudy } from '../../helpers/tiny-study';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fi-shard-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let backend: BackendInfo;
let bars: Map<string, Bars>;
beforeAll(async () => {
  backend = await selectBackend('cpu');
  bars = new Map(['000300', '000001'].map((c) => [c, importFile(dailyFile(c), { code: c }).bars]));
});

const base = tinyStudy();
const config = (outDir: string, over: { warmStart?: boolean } = {}) =>
  parseStudyConfig(
    tinyStudy({
      // four years, so the rolling folds are several per cell x seed
      dataset: { ...base.dataset, from: '2016-01-04' },
      train: { ...base.train, epochs: 2 },
      seeds: [1, 2],
      power: { strengths: [0.15], replicates: 1 },
      outDir,
      ...over,
    }),
    'shard test config',
  );

/** The fold keys a shard trained, from its log lines (`key: N epochs, ...`). */
const trainedKeys = (lines: string[]) =>
  lines.flatMap((l) => /^(\S+_s\d+_f\d+): \d+ epochs/.exec(l)?.[1] ?? []);
const foldFiles = (dir: string) =>
  readdirSync(path.join(dir, 'folds'))
    .filter(isFoldFile)
    .map((f) => f.replace(/\.json$/, ''))
    .sort();

describe('study shards (--jobs)', () => {
  it('assigns units by their place modulo the shard count', () => {
    expect([0, 1, 2, 3, 4].filter((k) => inShard({ index: 1, count: 2 }, k))).toEqual([1, 3]);
    expect([0, 1, 2, 3, 4].filter((k) => inShard({ index: 0, count: 3 }, k))).toEqual([0, 3]);
    expect([0, 1, 2].every((k) => inShard(undefined, k))).toBe(true);
  });

  it('two shards train every fold once between them, and the study then reads them all and scores the same', async () => {
    const split = path.join(tmp, 'split');
    const logs: string[][] = [[], []];
    const counts = [];
    for (const index of [0, 1])
      counts.push(
        await trainStudyShard(config(split), {
          bars,
          backend,
          shard: { index, count: 2 },
          log: (l) => logs[index].push(l),
        }),
      );
    const [a, b] = logs.map(trainedKeys);
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);
    expect(a.filter((k) => b.includes(k))).toEqual([]);
    expect(counts.map((c) => c.computed)).toEqual([a.length, b.length]);
    // every fold of the plan: 2 cells x 2 seeds x the folds, each trained by exactly one shard
    const files = foldFiles(split);
    expect([...a, ...b].sort()).toEqual(files);
    const folds = new Set(files.map((k) => k.replace(/.*_f/, ''))).size;
    expect(files.length).toBe(2 * 2 * folds);
    // alternating folds of the cell x seed x fold order: shard 0 takes the even places
    expect(a).toContain('000300_time-factor_s1_f000');
    expect(b).toContain('000300_time-factor_s1_f001');

    const scored = await runStudy(config(split), { bars, backend });
    expect(scored.computedFolds).toBe(0);
    expect(scored.cachedFolds).toBe(files.length);
    const single = await runStudy(config(path.join(tmp, 'single')), { bars, backend });
    expect(single.computedFolds).toBe(files.length);
    for (const [k, cell] of single.cells.entries()) {
      expect(Array.from(scored.cells[k].probs)).toEqual(Array.from(cell.probs));
      expect(scored.cells[k].metrics).toEqual(cell.metrics);
    }
    expect(scored.statistics.verdict.sentence).toBe(single.statistics.verdict.sentence);
  });

  it('warm-started folds stay in one shard per cell x seed chain', async () => {
    const dir = path.join(tmp, 'warm');
    const lines: string[] = [];
    await trainStudyShard(config(dir, { warmStart: true }), {
      bars,
      backend,
      shard: { index: 1, count: 2 },
      log: (l) => lines.push(l),
    });
    const keys = trainedKeys(lines);
    // chain 1 of [000300 s1, 000300 s2, 000300+000001 s1, 000300+000001 s2] and chain 3: whole chains
    const chains = new Set(keys.map((k) => k.replace(/_f\d+$/, '')));
    expect([...chains].sort()).toEqual(['000300+000001_time-factor_s2', '000300_time-factor_s2']);
    expect(keys.length).toBe(foldFiles(dir).length);
  });

  it('runStudy refuses a shard: a shard is not a study', async () => {
    await expect(
      runStudy(config(path.join(tmp, 'refused')), { bars, backend, shard: { index: 0, count: 2 } }),
    ).rejects.toThrow(/trainStudyShard/);
  });

  it('power shards train the surrogate folds, and the analysis then trains nothing', async () => {
    const dir = path.join(tmp, 'power');
    const c = config(dir);
    const startedAt = Date.now();
    for (const index of [0, 1])
      await trainPowerShard({ config: c, realBars: bars, shard: { index, count: 2 }, hooks: { backend } });
    const phases: string[] = [];
    const scoring = Date.now();
    const out = await runPower({
      config: c,
      realBars: bars,
      startedAt,
      hooks: { backend, onProgress: (p) => phases.push(p.phase) },
    });
    // power.json's time is the whole run's, the shards' training included, not only the scoring after them
    expect(out.seconds).toBeGreaterThanOrEqual((scoring - startedAt) / 1000);
    expect(phases.length).toBeGreaterThan(0);
    expect(phases.filter((p) => p !== 'cached')).toEqual([]);
    expect(out.analysis.runs.map((r) => r.strength)).toEqual([0.15]);
    // and a finished run is skipped by a later shard
    const again = await trainPowerShard({
      config: c,
      realBars: bars,
      shard: { index: 0, count: 2 },
      hooks: { backend },
    });
    expect(again).toEqual({ computed: 0, cached: 0 });
  });
});
