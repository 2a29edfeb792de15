/**
 * The analysis sections of a study config (baselines, importance, statistics, power): their defaults, their
 * bounds (each refused with the field named), partial sections merged over the defaults, and the app's setup
 * round-tripping them (an older saved setup without them still loads).
 */
import { describe, expect, it } from 'vitest';
import { appStudyConfigSchema, studyConfigSchema } from '../../../src/shared/config';
import { LOGISTIC_L2_GRID } from '../../../src/main/training/eval/baselines';
import {
  appStudyOf,
  DEFAULT_IMPORTANCE,
  DEFAULT_POWER,
  DEFAULT_STATISTICS,
  parseStudyConfig,
  studyOfApp,
} from '../../../src/main/training/eval/study-config';
import { lastOrDefaultSetup } from '../../../src/main/services/study-service';

const parse = (raw: Record<string, unknown>) => parseStudyConfig({ outDir: '/tmp/x', ...raw }, 'test.json');

describe('study config: analysis sections', () => {
  it('fills the documented defaults', () => {
    const c = parse({});
    expect(c.baselines).toEqual({
      momentumHorizonsDays: [14, 60],
      trendWindowDays: 200,
      logisticL2Grid: LOGISTIC_L2_GRID,
      gbdt: {},
      include: 'all',
      tabular: { lagsDays: [0, 1, 5], alpha: true },
    });
    expect(c.importance).toEqual({ enabled: true, cells: 'primary', repeats: 2 });
    expect(c.statistics).toEqual({ pboBlocks: 16, underfitThreshold: 0.4, priorTrials: 0 });
    expect(c.power).toEqual({
      strengths: [0, 0.02, 0.05, 0.1, 0.2],
      replicates: 5,
      tellRate: 1,
      cells: 'primary',
    });
    expect([DEFAULT_IMPORTANCE, DEFAULT_STATISTICS, DEFAULT_POWER]).toEqual([
      c.importance,
      c.statistics,
      c.power,
    ]);
    expect(studyConfigSchema.safeParse(c).error).toBeUndefined();
  });

  it('momentum follows the label horizon unless given', () => {
    expect(parse({ dataset: { horizonDays: 10 } }).baselines.momentumHorizonsDays).toEqual([10, 60]);
    expect(parse({ baselines: { momentumHorizonsDays: [20] } }).baselines.momentumHorizonsDays).toEqual([20]);
  });

  it('merges partial sections over the defaults', () => {
    const c = parse({
      baselines: { gbdt: false, tabular: { alpha: false } },
      importance: { repeats: 1 },
      statistics: { priorTrials: 12 },
      power: { replicates: 2, file: 'p.json' },
    });
    expect(c.baselines.gbdt).toBe(false);
    expect(c.baselines.tabular).toEqual({ lagsDays: [0, 1, 5], alpha: false });
    expect(c.baselines.trendWindowDays).toBe(200);
    expect(c.importance).toEqual({ enabled: true, cells: 'primary', repeats: 1 });
    expect(c.statistics.priorTrials).toBe(12);
    expect(c.power).toMatchObject({ replicates: 2, file: 'p.json', strengths: DEFAULT_POWER.strengths });
    expect(parse({ baselines: { gbdt: { numRounds: 50, learningRate: 0.1 } } }).baselines.gbdt).toEqual({
      numRounds: 50,
      learningRate: 0.1,
    });
  });

  it('refuses bad values naming the field and the file', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ statistics: { pboBlocks: 15 } }, /statistics\.pboBlocks.*must be even.*test\.json/],
      [{ statistics: { underfitThreshold: 0.3 } }, /statistics\.underfitThreshold/],
      [{ importance: { cells: 'all' } }, /importance\.cells/],
      [{ importance: { repeats: 0 } }, /importance\.repeats/],
      [{ power: { strengths: [] } }, /power\.strengths/],
      [{ power: { strengths: [1.5] } }, /power\.strengths\.0/],
      [{ baselines: { gbdt: { numLeaves: 1 } } }, /baselines\.gbdt/],
      [{ baselines: { trendWindowDays: 1 } }, /baselines\.trendWindowDays/],
      [{ baselines: { tabular: { lagsDays: [-1] } } }, /baselines\.tabular\.lagsDays\.0/],
      [{ baselines: { unknown: 1 } }, /baselines\.unknown.*unknown field/],
    ];
    for (const [raw, re] of bad) expect(() => parse(raw), JSON.stringify(raw)).toThrow(re);
  });

  it("round-trips through the app's setup, and a setup saved before the sections existed still loads", () => {
    const c = parse({ importance: { enabled: false }, power: { replicates: 3 } });
    const app = appStudyOf(c);
    expect(appStudyConfigSchema.safeParse(app).error).toBeUndefined();
    expect(studyOfApp(JSON.parse(JSON.stringify(app)), '/tmp/x')).toEqual(c);
    const { baselines: _b, importance: _i, statistics: _s, power: _p, ...older } = app;
    expect(appStudyConfigSchema.safeParse(older).error).toBeUndefined();
    expect(lastOrDefaultSetup(older)).toBe(older);
    expect(studyOfApp(older, '/tmp/x').importance).toEqual(DEFAULT_IMPORTANCE);
  });
});
