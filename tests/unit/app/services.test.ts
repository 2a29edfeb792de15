/** App services on the real daily files: import into the data folder, index list, labels for the sliders, runs. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dailyFile } from '../../helpers/data';
import { importFiles, listIndices, loadBars } from '../../../src/main/services/data-service';
import { computeLabels, defaultStudyConfig } from '../../../src/main/services/study-service';
import {
  deleteRunDir,
  exportCsv,
  listRunSummaries,
  readRunDetail,
  runDirOf,
} from '../../../src/main/services/runs-service';
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

describe('runs service', () => {
  it('reads a run folder, exports its CSV verbatim, refuses escaping ids and deletes', () => {
    const runs = path.join(tmp, 'runs');
    const dir = path.join(runs, 'r1');
    mkdirSync(dir, { recursive: true });
    const csv =
      '\uFEFFdate,close,p_down,p_flat,p_up,predicted,forward_return,actual,correct\n2023-01-03,3887.9,0.2,0.3,0.5,up,0.031,up,1\n2023-01-04,3892.9,0.6,0.3,0.1,down,0.01,flat,0\n';
    writeFileSync(path.join(dir, 'predictions.csv'), csv);
    writeFileSync(
      path.join(dir, 'app-run.json'),
      JSON.stringify({
        kind: 'train',
        config: defaultStudyConfig(),
        createdAt: '2026-01-01T00:00:00Z',
        status: 'done',
      }),
    );
    writeFileSync(
      path.join(dir, 'history.json'),
      JSON.stringify([{ epoch: 1, loss: 1, accuracy: 0.5, learningRate: 0.001, seconds: 1 }]),
    );
    const d = readRunDetail(runDirOf(runs, 'r1'));
    expect(d.predictions.map((p) => [p.date, p.predicted, p.actual])).toEqual([
      ['2023-01-03', 2, 2],
      ['2023-01-04', 0, 1],
    ]);
    expect(d.confusion).toEqual([
      [0, 0, 0],
      [1, 0, 0],
      [0, 0, 1],
    ]);
    // by hand: truth up, flat; predicted up, down -> recalls up 1, flat 0; F1 down 0, flat 0, up 1; -ln 0.5, -ln 0.3
    expect(d.metrics.accuracy).toBe(0.5);
    expect(d.metrics.balancedAccuracy).toBe(0.5);
    expect(d.metrics.macroF1).toBeCloseTo(1 / 3, 12);
    expect(d.metrics.logLoss).toBeCloseTo((Math.log(2) + Math.log(1 / 0.3)) / 2, 12);
    expect(exportCsv(dir, 'predictions')).toEqual({ filename: 'r1-predictions.csv', content: csv });
    expect(exportCsv(dir, 'history').content).toBe(
      '\uFEFFepoch,loss,accuracy,learningRate,seconds\r\n1,1,0.5,0.001,1\n',
    );
    expect(() => exportCsv(dir, 'folds')).toThrow(/no folds.csv/);
    expect(listRunSummaries(runs).map((r) => [r.id, r.kind, r.status, r.hasPredictions])).toEqual([
      ['r1', 'train', 'done', true],
    ]);
    for (const bad of ['..', '../r1', 'a/b', '.']) expect(() => runDirOf(runs, bad)).toThrow();
    expect(() => runDirOf(runs, 'r2')).toThrow(/does not exist/);
    deleteRunDir(dir);
    expect(listRunSummaries(runs)).toEqual([]);
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

describe('runs service: a study folder', () => {
  it('shows the primary cell’s metrics, its backtest beside buy-and-hold and one ablation row per cell', () => {
    const dir = path.join(tmp, 'runs-study', 's1');
    mkdirSync(dir, { recursive: true });
    const cell = (key: string, acc: number, bal: number, sharpe: number) => ({
      key,
      metrics: { accuracy: acc, balancedAccuracy: bal, macroF1: 0.3, logLoss: 1.1, n: 10 },
      intervals: { balancedAccuracy: { estimate: bal, lo: bal - 0.05, hi: bal + 0.05 } },
      backtest: { totalReturn: 0.1, sharpe, maxDrawdown: -0.2 },
    });
    writeFileSync(
      path.join(dir, 'summary.json'),
      JSON.stringify({
        headline: 'Headline.',
        ablationSentence: 'No overlay helped.',
        primary: 'A+B_time-factor',
        reference: 'A_time-factor',
        cells: [cell('A_time-factor', 0.4, 0.35, 0.5), cell('A+B_time-factor', 0.45, 0.38, 0.7)],
        buyHold: { totalReturn: 0.05, sharpe: 0.3, maxDrawdown: -0.3 },
        ablation: [
          {
            key: 'A+B_time-factor',
            diff: { balancedAccuracy: { estimate: 0.03, lo: -0.01, hi: 0.07 } },
            verdict: 'no-difference',
          },
        ],
        baselines: [{ name: 'majority', metrics: { accuracy: 0.5, balancedAccuracy: 0.333, macroF1: 0.2 } }],
      }),
    );
    const header =
      'date,target_close,p_down,p_flat,p_up,predicted_class,forward_return,realised_class,correct,position,strategy_equity,buy_hold_equity';
    writeFileSync(
      path.join(dir, 'predictions.csv'),
      `\uFEFF${header}\n2023-01-03,3887.9,0.1,0.2,0.7,up,0.03,up,1,1,1,1\n2023-01-04,3900,0.5,0.3,0.2,down,,,,0,1.01,1.02\n`,
    );
    writeFileSync(
      path.join(dir, 'folds.csv'),
      '\uFEFFcell,seed,fold,test_start,test_end,train_samples,val_samples,test_samples,epochs,best_epoch,stopped_early,seconds,backend,accuracy,cached\nA_time-factor,42,0,2023-01-03,2023-06-30,300,40,120,3,2,false,1.5,wasm,0.4,false\n',
    );
    const d = readRunDetail(dir);
    expect(d.metrics).toEqual({ accuracy: 0.45, balancedAccuracy: 0.38, macroF1: 0.3, logLoss: 1.1 });
    expect(d.stats.sharpe).toEqual([0.7, 0.3]);
    expect(d.stats.maxDrawdown).toEqual([-0.2, -0.3]);
    expect(d.ablation.map((r) => [r.cell, r.verdict])).toEqual([
      ['A_time-factor', 'reference'],
      ['A+B_time-factor', 'no-difference'],
      ['baseline: majority', ''],
    ]);
    expect(d.ablation[1].diffVsReference).toBe('3.0 pp [-1.0, 7.0]');
    expect(d.conclusion).toBe('Headline. No overlay helped.');
    expect(d.folds).toEqual([
      {
        cell: 'A_time-factor',
        seed: 42,
        fold: 0,
        testStart: '2023-01-03',
        testEnd: '2023-06-30',
        trainSamples: 300,
        testSamples: 120,
        accuracy: 0.4,
        balancedAccuracy: undefined,
      },
    ]);
    expect(d.predictions.map((p) => [p.predicted, p.actual, p.equity, p.buyHold])).toEqual([
      [2, 2, 1, 1],
      [0, null, 1.01, 1.02],
    ]);
    expect(d.summary).toMatchObject({
      kind: 'study',
      accuracy: 0.45,
      balancedAccuracy: 0.38,
      sharpe: 0.7,
      hasPredictions: true,
    });
  });
});
