import { describe, expect, it } from 'vitest';
import { DEFAULT_DATASET } from '../../../src/shared/domain';
import { DEFAULT_MODEL } from '../../../src/main/training/model/spec';
import { DEFAULT_TRAIN } from '../../../src/main/training/train/settings';
import { parseRunConfig } from '../../../src/main/training/train/config';
import { splitTrainVal } from '../../../src/main/training/train/run-job';

describe('parseRunConfig', () => {
  it('fills every default from an empty file', () => {
    expect(parseRunConfig({}, 'c.json')).toEqual({
      dataset: DEFAULT_DATASET,
      model: DEFAULT_MODEL,
      train: DEFAULT_TRAIN,
    });
  });
  it('keeps given fields and fills the rest', () => {
    const c = parseRunConfig(
      { model: { preset: 'mlp' }, train: { epochs: 3, lrSchedule: 'cosine' } },
      'c.json',
    );
    expect(c.model).toEqual({ ...DEFAULT_MODEL, preset: 'mlp' });
    expect(c.train).toEqual({ ...DEFAULT_TRAIN, epochs: 3, lrSchedule: 'cosine' });
  });
  it('names unknown fields, invalid values and the file', () => {
    expect(() => parseRunConfig({ train: { epochz: 3 } }, 'c.json')).toThrow(
      'train.epochz: unknown field in c.json',
    );
    expect(() => parseRunConfig({ modle: {} }, 'c.json')).toThrow('modle: unknown field in c.json');
    expect(() => parseRunConfig({ train: { epochs: 0 } }, 'c.json')).toThrow(/^train\.epochs: .* in c\.json/);
    expect(() => parseRunConfig({ train: { optimizer: 'rmsprop' } }, 'c.json')).toThrow(
      /^train\.optimizer: /,
    );
    expect(() => parseRunConfig({ dataset: { from: '2020/01/01' } }, 'c.json')).toThrow(
      /^dataset\.from: must be YYYY-MM-DD/,
    );
    // cross-field checks of the dataset and model owners keep the dotted name
    expect(() => parseRunConfig({ dataset: { channels: ['000905', '000300'] } }, 'c.json')).toThrow(
      /^dataset\.channels: .*target/,
    );
    expect(() => parseRunConfig({ model: { preset: 'compact', auxHeads: true } }, 'c.json')).toThrow(
      /^model\.auxHeads: /,
    );
  });
});

describe('splitTrainVal', () => {
  it('takes the latest labelled samples for validation and embargoes the horizon before them', () => {
    // 20 labelled samples (0..19) then 3 unlabelled; 20 % -> 4 validation samples (16..19); embargo 5 drops 11..15
    const labels = [...Array.from({ length: 20 }, (_, i) => i % 3), -1, -1, -1];
    const { train, val } = splitTrainVal(labels, 0.2, 5);
    expect(val).toEqual([16, 17, 18, 19]);
    expect(train).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(splitTrainVal(labels, 0, 5)).toEqual({ train: Array.from({ length: 20 }, (_, i) => i), val: [] });
  });
});
