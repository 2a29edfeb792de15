/**
 * App services on the real daily files: import into the data folder, index list, labels for the sliders, what the
 * runs service refuses (reading real run and study folders is tested in pipeline.test.ts).
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dailyFile } from '../../helpers/data';
import { importFiles, listIndices, loadBars } from '../../../src/main/services/data-service';
import { computeLabels, defaultStudyConfig } from '../../../src/main/services/study-service';
import { deleteRunDir, listRunSummaries, runDirOf } from '../../../src/main/services/runs-service';
import { PREDICTION_COLUMNS, predictionTableCsv } from '../../../src/main/training/report/csv';
import { readPredictionsCsv } from '../../../src/main/training/report/read';
import {
  confSettings,
  settingsFile,
  userDataDir,
  withRecentRun,
} from '../../../src/main/services/settings-file';

let tmp: string;
let dataDir: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'fi-svc-'));
  dataDir = path.join(tmp, 'data');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const b64 = (file: string) => readFileSync(file).toString('base64');

/** Independent count straight from the CSV text. */
function countFromCsv(file: string, h: number, up: number, down: number, from: string) {
  const rows = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
  const close = rows.map((r) => Number(r[4]));
  const c = { down: 0, flat: 0, up: 0, unlabeled: 0 };
  rows.forEach((r, t) => {
    if (r[0] < from) return;
    if (t + h >= rows.length) return void c.unlabeled++;
    const ret = close[t + h] / close[t] - 1;
    if (ret > up) c.up++;
    else if (ret < down) c.down++;
    else c.flat++;
  });
  return c;
}

describe('data service', () => {
  it('imports real files into the data folder as <code>.csv and lists them', () => {
    const out = importFiles(dataDir, [
      { name: 'sh000300.csv', base64: b64(dailyFile('000300')) },
      { name: '399006.csv', base64: b64(dailyFile('399006')) },
    ]);
    expect(out.map((o) => [o.name, o.ok, o.report?.rowsKept])).toEqual([
      ['sh000300.csv', true, 4616],
      ['399006.csv', true, 3302],
    ]);
    expect(readdirSync(dataDir).sort()).toEqual(['000300.csv', '399006.csv']);
    const list = listIndices(dataDir);
    expect(list.map((i) => [i.code, i.first, i.last, i.rows, i.barsPerDay])).toEqual([
      ['000300', '2005-01-04', '2023-12-29', 4616, 1],
      ['399006', '2010-06-01', '2023-12-29', 3302, 1],
    ]);
  });

  it('refuses an unusable file with a message naming it, keeps nothing, and refuses odd names', () => {
    const out = importFiles(dataDir, [
      { name: 'empty.csv', base64: Buffer.from('date,open,high,low,close\n').toString('base64') },
      { name: '../../evil.csv', base64: b64(dailyFile('000300')) },
      { name: 'notes.docx', base64: 'AAAA' },
    ]);
    expect(out[0].ok).toBe(false);
    expect(out[0].error).toContain('empty.csv');
    expect(out[0].error).not.toContain('.incoming');
    // a path in the name is reduced to its base name: the file lands inside the data folder
    expect(out[1]).toMatchObject({ name: 'evil.csv', ok: true });
    expect(out[2]).toMatchObject({ ok: false });
    expect(out[2].error).toMatch(/only \.csv, \.txt and \.tsv/);
    expect(readdirSync(dataDir).sort()).toEqual(['000300.csv', '399006.csv', 'evil.csv']);
    expect(readdirSync(tmp)).toEqual(['data']);
    rmSync(path.join(dataDir, 'evil.csv'));
  });

  it('loads bars by code and says what to do when the folder is missing', () => {
    expect(loadBars(dataDir, '000300').close.length).toBe(4616);
    expect(() => loadBars(path.join(tmp, 'nope'), '000300')).toThrow(/import index files first/);
    expect(() => loadBars(dataDir, '000905')).toThrow(/No file for index 000905/);
  });
});

describe('study service: labels for the threshold sliders', () => {
  for (const [up, down] of [
    [0.025, -0.01],
    [0.04, -0.01],
    [0.01, -0.03],
  ]) {
    it(`counts classes like an independent count of the CSV (up ${up}, down ${down})`, () => {
      const l = computeLabels(dataDir, {
        target: '000300',
        horizonDays: 14,
        upThreshold: up,
        downThreshold: down,
        from: '2010-06-01',
      });
      expect(l.counts).toEqual(countFromCsv(dailyFile('000300'), 14, up, down, '2010-06-01'));
      expect(l.dates).toHaveLength(4616);
      expect(l.forward.slice(-14).every((f) => f === null)).toBe(true);
      expect(l.labels.slice(-14).every((c) => c === -1)).toBe(true);
    });
  }
  it('refuses thresholds that do not make three classes, naming the field', () => {
    expect(() =>
      computeLabels(dataDir, { target: '000300', horizonDays: 14, upThreshold: -0.02, downThreshold: 0.01 }),
    ).toThrow(/downThreshold/);
  });
  it('the default config is the documented study: CSI 300, four channels, 14 days, +2.5 % / -1 %', () => {
    const c = defaultStudyConfig();
    expect(c.dataset).toMatchObject({
      target: '000300',
      channels: ['000300', '000001', '000905', '399006'],
      horizonDays: 14,
      upThreshold: 0.025,
      downThreshold: -0.01,
    });
  });
});

describe('runs service: what it refuses', () => {
  it('refuses escaping ids, lists a foreign folder as unknown with the reason, and does not delete it', () => {
    const runs = path.join(tmp, 'runs');
    const dir = path.join(runs, 'r1');
    mkdirSync(dir, { recursive: true });
    // the columns the app once wrote itself: no longer written by anything, so not read either
    writeFileSync(
      path.join(dir, 'predictions.csv'),
      '\uFEFFdate,close,p_down,p_flat,p_up,predicted,forward_return,actual,correct\n2023-01-03,3887.9,0.2,0.3,0.5,up,0.031,up,1\n',
    );
    expect(listRunSummaries(runs).map((r) => [r.id, r.kind, r.status])).toEqual([
      ['r1', 'unknown', 'unknown'],
    ]);
    expect(listRunSummaries(runs)[0].message).toMatch(
      /neither a run folder \(run\.json\) nor a study folder/,
    );
    expect(() => readPredictionsCsv(path.join(dir, 'predictions.csv'))).toThrow(
      /predictions\.csv, line 1: the header is not the one this program writes/,
    );
    for (const bad of ['..', '../r1', 'a/b', '.']) expect(() => runDirOf(runs, bad)).toThrow();
    expect(() => runDirOf(runs, 'r2')).toThrow(/does not exist/);
    expect(() => deleteRunDir(runs, 'r1')).toThrow(
      /r1 is not a run or study folder made by this program .*nothing deleted/,
    );
    expect(existsSync(path.join(dir, 'predictions.csv'))).toBe(true);
    rmSync(dir, { recursive: true });
  });

  it('reads the Chinese predictions.csv the writer writes, and names the line and field of a bad value', () => {
    const file = path.join(tmp, 'zh-predictions.csv');
    const table = {
      dates: ['2023-01-03', '2023-01-04'],
      targetClose: [3887.9, 3900],
      probs: [0.1, 0.2, 0.7, 0.5, 0.3, 0.2],
      pred: [2, 0],
      labels: [2, -1],
      forwardReturns: [0.03, NaN],
      backtest: {
        dates: ['2023-01-03', '2023-01-04'],
        target: [1, 0],
        equity: [1, 1.01],
        buyHold: [1, 1.02],
      },
    };
    const text = predictionTableCsv(table, 'zh');
    expect(text.split('\r\n')[0]).toBe('\uFEFF' + PREDICTION_COLUMNS.zh.join(','));
    writeFileSync(file, text);
    expect(readPredictionsCsv(file)).toEqual([
      {
        date: '2023-01-03',
        targetClose: 3887.9,
        pDown: 0.1,
        pFlat: 0.2,
        pUp: 0.7,
        predicted: 2,
        forwardReturn: 0.03,
        actual: 2,
        correct: 1,
        position: 1,
        strategyEquity: 1,
        buyHoldEquity: 1,
      },
      {
        date: '2023-01-04',
        targetClose: 3900,
        pDown: 0.5,
        pFlat: 0.3,
        pUp: 0.2,
        predicted: 0,
        forwardReturn: null,
        actual: null,
        correct: null,
        position: 0,
        strategyEquity: 1.01,
        buyHoldEquity: 1.02,
      },
    ]);
    writeFileSync(file, text.replace('3900', 'abc'));
    expect(() => readPredictionsCsv(file)).toThrow(
      /zh-predictions\.csv, line 3, field '收盘价': 'abc' is not a number/,
    );
  });
});

describe('settings file (conf, the same file electron-store uses)', () => {
  it('round-trips settings in <home>/config.json', () => {
    const home = path.join(tmp, 'home');
    const s = confSettings(home);
    expect(s.file).toBe(settingsFile(home));
    expect(s.get()).toMatchObject({
      dataDir: path.join(home, 'data'),
      runsDir: path.join(home, 'runs'),
      theme: 'light',
      recentRuns: [],
    });
    s.set({ language: 'zh', colorConvention: 'red-up' });
    const again = confSettings(home).get();
    expect(again.language).toBe('zh');
    expect(JSON.parse(readFileSync(settingsFile(home), 'utf8')).colorConvention).toBe('red-up');
    expect(withRecentRun({ ...again, recentRuns: ['a', 'b'] }, 'b')).toEqual(['b', 'a']);
  });
  it('uses the folder Electron uses for userData on each platform', () => {
    expect(userDataDir({ XDG_CONFIG_HOME: '/x' }, 'linux')).toBe('/x/factor-inception');
    expect(userDataDir({ APPDATA: 'C:/Users/u/AppData/Roaming' }, 'win32')).toBe(
      path.join('C:/Users/u/AppData/Roaming', 'factor-inception'),
    );
    expect(userDataDir({}, 'darwin')).toMatch(/Library\/Application Support\/factor-inception$/);
    expect(userDataDir({ FACTOR_INCEPTION_HOME: '/h' }, 'linux')).toBe('/h');
  });
});
