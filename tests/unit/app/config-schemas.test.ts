/**
 * One schema per config, variants derived: every bundled preset, example and default parses under every variant
 * it belongs to, round-trips through the app's study setup, and each bound says the same in every variant.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  appStudyConfigSchema,
  runConfigSchema,
  runFileSchema,
  studyConfigSchema,
  studyFileSchema,
} from '../../../src/shared/config';
import { DEFAULT_DATASET } from '../../../src/shared/domain';
import { DEFAULT_MODEL } from '../../../src/shared/model';
import { DEFAULT_TRAIN } from '../../../src/shared/training';
import { requestSchemas } from '../../../src/shared/ipc-contract';
import { readQueue } from '../../../src/cli/commands/batch';
import { parseRunConfig } from '../../../src/main/training/train/config';
import {
  appStudyOf,
  loadPreset,
  parseStudyConfig,
  PRESETS,
  studyOfApp,
} from '../../../src/main/training/eval/study-config';
import {
  defaultStudyConfig,
  lastOrDefaultSetup,
  parseStudyFile,
  studyPreset,
  studyPresets,
} from '../../../src/main/services/study-service';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const json = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
const presetFiles = readdirSync(path.join(ROOT, 'resources/study-presets')).filter((f) =>
  f.endsWith('.json'),
);

describe('bundled study presets', () => {
  it('the preset list names every file in resources/study-presets', () => {
    expect(presetFiles.map((f) => f.replace(/\.json$/, '')).sort()).toEqual([...PRESETS].sort());
    expect(studyPresets().map((p) => p.name)).toEqual([...PRESETS]);
  });

  for (const file of presetFiles)
    it(`${file} parses as a study file, resolves, and loads into the app's study setup`, () => {
      const raw = json(path.join(ROOT, 'resources/study-presets', file));
      expect(studyFileSchema.safeParse(raw).error).toBeUndefined();
      const name = file.replace(/\.json$/, '');
      const resolved = loadPreset(name, '/tmp/x');
      expect(studyConfigSchema.safeParse(resolved).error).toBeUndefined();
      // the preset's own values survive resolution
      expect(resolved.walkForward).toMatchObject(raw.walkForward as object);
      expect(resolved.seeds).toEqual(raw.seeds);
      expect(resolved.ablation).toEqual(raw.ablation);
      const app = studyPreset(name);
      expect(appStudyConfigSchema.safeParse(app).error).toBeUndefined();
      expect(
        requestSchemas['training.start'].safeParse({ kind: 'study', config: app }).error,
      ).toBeUndefined();
      expect(app.name).toBe(name);
      // the file as the user would open it in the study setup gives the same setup
      expect(
        parseStudyFile(file, readFileSync(path.join(ROOT, 'resources/study-presets', file), 'utf8')),
      ).toEqual(app);
      // and the setup, saved as a file, is a study file the CLI reads back to the same study
      const saved = JSON.parse(JSON.stringify(app));
      expect(studyFileSchema.safeParse(saved).error).toBeUndefined();
      expect(studyOfApp(saved, '/tmp/x')).toEqual(resolved);
    });
});

describe('examples', () => {
  it('train-compact.json parses as a run file and resolves to a run config', () => {
    const raw = json(path.join(ROOT, 'resources/examples/train-compact.json'));
    expect(runFileSchema.safeParse(raw).error).toBeUndefined();
    const c = parseRunConfig(raw, 'train-compact.json');
    expect(runConfigSchema.safeParse(c).error).toBeUndefined();
    expect(c.dataset.channels).toEqual(['000300', '000001', '000905', '399006']);
  });
  it('every entry of overnight-queue.json is a run file', () => {
    const file = path.join(ROOT, 'resources/examples/overnight-queue.json');
    const q = readQueue(file);
    expect(q.entries.map((e) => e.name)).toEqual([
      'logreg-4ch',
      'compact-1ch',
      'compact-4ch',
      'googlenet-4ch',
    ]);
    for (const e of q.entries) expect(runConfigSchema.safeParse(e.config).error).toBeUndefined();
    for (const r of (json(file).runs as { config: unknown }[]).filter((r) => typeof r.config === 'object'))
      expect(runFileSchema.safeParse(r.config).error).toBeUndefined();
  });
});

describe('defaults', () => {
  it('the engine defaults pass the run and study variants', () => {
    expect(
      runConfigSchema.parse({ dataset: DEFAULT_DATASET, model: DEFAULT_MODEL, train: DEFAULT_TRAIN }),
    ).toEqual(parseRunConfig({}));
    expect(studyConfigSchema.safeParse(parseStudyConfig({})).error).toBeUndefined();
  });
  it('a setup saved in the settings by an older version (walkForward.mode) gives way to the default', () => {
    const old = JSON.parse(JSON.stringify(defaultStudyConfig()));
    old.walkForward = {
      mode: 'rolling',
      trainDays: 750,
      testDays: 250,
      stepDays: 250,
      embargoDays: 14,
      seeds: 1,
    };
    expect(lastOrDefaultSetup(old)).toEqual(defaultStudyConfig());
    const mine = { ...defaultStudyConfig(), name: 'mine' };
    expect(lastOrDefaultSetup(mine)).toBe(mine);
    expect(lastOrDefaultSetup(undefined)).toEqual(defaultStudyConfig());
  });

  it("the app's default setup passes the IPC variant, and resolves as a study file to itself", () => {
    const d = defaultStudyConfig();
    expect(appStudyConfigSchema.safeParse(d).error).toBeUndefined();
    expect(requestSchemas['settings.set'].safeParse({ lastStudyConfig: d }).error).toBeUndefined();
    expect(appStudyOf(studyOfApp(d, 'out'))).toEqual(d);
    expect(d.walkForward).toEqual({ window: 'anchored', trainDays: 750, testDays: 250 });
  });
});

describe('one bound, one name, in every variant', () => {
  const app = defaultStudyConfig();
  const variants = {
    'run file': (patch: Record<string, Record<string, unknown>>) => runFileSchema.safeParse(patch).success,
    'study file': (patch: Record<string, Record<string, unknown>>) =>
      studyFileSchema.safeParse(patch).success,
    ipc: (patch: Record<string, Record<string, unknown>>) =>
      appStudyConfigSchema.safeParse({
        ...app,
        ...Object.fromEntries(
          Object.entries(patch).map(([k, v]) => [
            k,
            { ...(app as unknown as Record<string, object>)[k], ...v },
          ]),
        ),
      }).success,
  };
  const cases: [string, Record<string, Record<string, unknown>>, boolean][] = [
    ['dropout 0.95', { model: { dropout: 0.95 } }, true],
    ['dropout 1', { model: { dropout: 1 } }, false],
    ['upThreshold 0.5', { dataset: { upThreshold: 0.5 } }, true],
    ['upThreshold 1', { dataset: { upThreshold: 1 } }, false],
    ['embargoDays 1', { walkForward: { embargoDays: 1 } }, true],
    ['embargoDays 0', { walkForward: { embargoDays: 0 } }, false],
    ['validationFraction 0.85', { train: { validationFraction: 0.85 } }, true],
    ['validationFraction 0.9', { train: { validationFraction: 0.9 } }, false],
    ['window rolling', { walkForward: { window: 'rolling' } }, true],
    ["the app's old name 'mode'", { walkForward: { mode: 'rolling' } }, false],
  ];
  for (const [what, patch, ok] of cases)
    it(`${what}: ${ok ? 'accepted' : 'refused'} by the run file, the study file and the IPC payload`, () => {
      for (const [name, accepts] of Object.entries(variants)) expect(accepts(patch), name).toBe(ok);
    });

  it('a cross-field rule holds for files and the app alike: the embargo may not be shorter than the horizon', () => {
    expect(() => parseRunConfig({ walkForward: { embargoDays: 5 } }, 'r.json')).toThrow(
      /^walkForward\.embargoDays: must be >= horizonDays \(14\), in r\.json/,
    );
    expect(() => studyOfApp({ ...app, walkForward: { ...app.walkForward, embargoDays: 5 } }, 'o')).toThrow(
      /^walkForward\.embargoDays: must be >= horizonDays/,
    );
  });

  it('a file the study setup cannot use is refused naming the file, line and field', () => {
    expect(() => parseStudyFile('mine.json', '{\n  "walkForward": {\n    "mode": "rolling"\n  }\n}')).toThrow(
      'walkForward.mode: unknown field in mine.json',
    );
    expect(() => parseStudyFile('broken.json', '{\n  "seeds": [1,\n}')).toThrow(
      /^broken\.json: is not valid JSON \(line 3\)/,
    );
    expect(parseStudyFile('tiny.json', '{"seeds": [7]}')).toMatchObject({ name: 'tiny', seeds: [7] });
  });
});

describe('JSON syntax errors name the line', () => {
  it('finds the first offending offset by hand-checked examples', async () => {
    const { jsonErrorOffset, lineOf } = await import('../../../src/shared/json');
    expect(jsonErrorOffset('{"a": [1, 2]}')).toBe(-1);
    expect(jsonErrorOffset('{"a": 1,}')).toBe(8); // the '}' where a key must come
    expect(jsonErrorOffset('[1 2]')).toBe(3);
    expect(jsonErrorOffset('{"a": tru}')).toBe(6);
    expect(jsonErrorOffset('{"a": "x\n"}')).toBe(8); // raw newline inside a string
    expect(jsonErrorOffset('{} x')).toBe(3);
    const text = '{\n  "a": 1\n  "b": 2\n}';
    expect(lineOf(text, jsonErrorOffset(text))).toBe(3);
  });
});
