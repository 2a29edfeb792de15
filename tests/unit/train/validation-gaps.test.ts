/**
 * What was accepted or misreported (issue 16, item 7), each now refused with what is wrong: a learning rate of
 * 1e9, dates that are not calendar days, a label range after the data, and impossible ranges that all used to
 * read "train.validationFraction: leaves no training samples". Counts in the messages are checked against the
 * CSV read here, not by the engine.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as labelsCommand } from '../../../src/cli/commands/labels';
import { selectBackend, type BackendInfo } from '../../../src/main/training/train/backend';
import { parseRunConfig } from '../../../src/main/training/train/config';
import { prepareRun } from '../../../src/main/training/train/run-job';
import { requestSchemas } from '../../../src/shared/ipc-contract';
import { dailyDir, dailyFile } from '../../helpers/data';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fi-gaps-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let backend: BackendInfo;
beforeAll(async () => {
  backend = await selectBackend('cpu');
});

/** The dates column of a daily file, read here. */
const datesOf = (code: string) =>
  readFileSync(dailyFile(code), 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.split(',')[0]);

describe('bounds and calendar dates', () => {
  it('refuses learningRate 1e9 (trained to a null loss) and keeps every real value', () => {
    expect(() => parseRunConfig({ train: { learningRate: 1e9 } })).toThrow(
      'train.learningRate: Too big: expected number to be <=1',
    );
    expect(() => parseRunConfig({ train: { learningRate: 1.5 } })).toThrow(/<=1/);
    for (const lr of [1e-5, 1e-3, 0.1, 1])
      expect(parseRunConfig({ train: { learningRate: lr } }).train.learningRate).toBe(lr);
  });

  it('refuses 2015-02-30 and 2023-02-29 as dates, keeps 2024-02-29', () => {
    expect(() => parseRunConfig({ dataset: { from: '2015-02-30' } })).toThrow(
      "dataset.from: '2015-02-30' is not a calendar date (no such day)",
    );
    expect(() => parseRunConfig({ dataset: { to: '2023-02-29' } })).toThrow(
      /'2023-02-29' is not a calendar date/,
    );
    expect(parseRunConfig({ dataset: { from: '2020-01-01', to: '2024-02-29' } }).dataset.to).toBe(
      '2024-02-29',
    );
    const r = requestSchemas['study.labels'].safeParse({
      target: '000300',
      horizonDays: 14,
      upThreshold: 0.025,
      downThreshold: -0.01,
      from: '2015-02-30',
    });
    expect(r.error?.issues.map((i) => i.message)).toEqual([
      "'2015-02-30' is not a calendar date (no such day)",
    ]);
  });

  it('2020-13-45 is reported as no date, not as "is after to"', () => {
    let message = '';
    try {
      parseRunConfig({ dataset: { from: '2020-13-45', to: '2020-12-31' } });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe("dataset.from: '2020-13-45' is not a calendar date (no such day) in config");
    expect(message).not.toMatch(/is after/);
  });
});

describe('labels outside the data', () => {
  it('labels --from 2099-01-01 says the range is after the data instead of printing zero counts', async () => {
    const last = datesOf('000300').at(-1)!;
    const first = datesOf('000300')[0];
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await expect(
        labelsCommand(['--data', dailyDir(), '--target', '000300', '--from', '2099-01-01']),
      ).rejects.toThrow(
        `--from: 2099-01-01 is after the last date of 000300 in ${dailyFile('000300')} (${last})`,
      );
      await expect(
        labelsCommand(['--data', dailyDir(), '--target', '000300', '--to', '2000-01-01']),
      ).rejects.toThrow(
        `--to: 2000-01-01 is before the first date of 000300 in ${dailyFile('000300')} (${first})`,
      );
      expect(log).not.toHaveBeenCalled();
    } finally {
      log.mockRestore();
    }
  });
});

describe('impossible ranges say what is wrong, before a run folder exists', () => {
  const runs = path.join(tmp, 'runs');
  const prepare = (raw: object) =>
    prepareRun(runs, 'r', parseRunConfig({ model: { preset: 'mlp' }, ...raw }), dailyDir(), backend);
  const last = datesOf('000300').at(-1)!;
  const chinextFirst = datesOf('399006')[0];

  const cases: [string, object, string | RegExp][] = [
    [
      'a range after the data',
      { dataset: { from: '2099-01-01' } },
      `dataset.from: 2099-01-01 is after the last date of 000300 in ${dailyFile('000300')} (${last})`,
    ],
    [
      'a range before the first day every channel has',
      { dataset: { to: '2005-03-01' } },
      `dataset.to: 2005-03-01 is before ${chinextFirst}, the first day every channel has (399006 in ${dailyFile('399006')} starts then)`,
    ],
    [
      'a range inside the warm-up',
      { dataset: { channels: ['000300'], to: '2005-03-01' } },
      new RegExp(
        `^dataset: no date in 2005-01-04\\.\\.2005-03-01 can be a sample \\(${datesOf('000300').filter((d) => d <= '2005-03-01').length} × fewer than lookbackDays days of history\\)`,
      ),
    ],
  ];
  for (const [what, raw, message] of cases)
    it(what, () => {
      expect(() => prepare(raw)).toThrow(message);
      expect(existsSync(path.join(runs, 'r'))).toBe(false);
    });

  it('a range too short to train on gives the labelled count and what would do, not validationFraction', () => {
    const dates = datesOf('000300');
    const inRange = dates
      .map((d, i) => [d, i] as const)
      .filter(([d]) => d >= '2023-12-01' && d <= '2023-12-29');
    const labelled = inRange.filter(([, i]) => i + 14 < dates.length).length;
    expect(() => prepare({ dataset: { from: '2023-12-01', to: '2023-12-29' } })).toThrow(
      new RegExp(
        `^dataset: ${labelled} labelled samples are too few to train on: validation takes the last \\d+ \\(train\\.validationFraction 0\\.15\\) and the 14-day embargo before them leaves no training sample`,
      ),
    );
  });

  it('sample dates none of which has a label yet', () => {
    const dates = datesOf('000300');
    const from = dates[dates.length - 14];
    expect(() => prepare({ dataset: { from } })).toThrow(
      `dataset: none of the 14 sample dates in ${from}..${last} has a label yet: a label needs 14 trading days of data after its date, and the data ends ${last}; move dataset.from earlier`,
    );
  });

  it('a walk-forward span longer than the data', () => {
    expect(() =>
      prepare({ dataset: { from: '2021-01-01' }, walkForward: { trainDays: 750, testDays: 126 } }),
    ).toThrow(
      /^walkForward\.trainDays: no labelled sample left to test on: the \d+ labelled samples \(2021-\d\d-\d\d\.\.2023-\d\d-\d\d\) end before the first test date the settings allow \(sample 765: trainDays 750 \+ embargo 14\); shorten walkForward\.trainDays or widen dataset\.from\.\.to$/,
    );
  });
});
