/**
 * One run pipeline, tested both ways on the real daily files, in real child processes: a run made by the CLI
 * lists in the app with its real kind, status, epochs and metrics; a run made by the app's worker (cancelled
 * after its first epoch) resumes with `factor-inception resume`; a study made by the CLI opens in the app, and a
 * study made by the app's worker continues with the CLI from its fold cache.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { forkWorker } from '../../../src/host/fork-worker';
import { PREDICTION_COLUMNS } from '../../../src/main/training/report/csv';
import { readPredictionsCsv } from '../../../src/main/training/report/read';
import { readRunFolder } from '../../../src/main/training/train/run-folders';
import { readMetrics } from '../../../src/main/training/train/runs';
import {
  exportCsv,
  listRunSummaries,
  readRunDetail,
  resumableRun,
} from '../../../src/main/services/runs-service';
import { defaultStudyConfig, parseStudyFile } from '../../../src/main/services/study-service';
import type { AppStudyConfig } from '../../../src/shared/config';
import type { FromWorker, WorkerJob } from '../../../src/main/worker/protocol';
import { dailyDir, dailyFile } from '../../helpers/data';
import { tinyStudy as tinyStudyConfig } from '../../helpers/tiny-study';

const repo = path.resolve(import.meta.dirname, '../../..');
const bin = path.join(repo, 'bin/factor-inception.js');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'fi-pipeline-'));
const runsDir = path.join(tmp, 'runs');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs the CLI to its end; stdout is a pipe, so progress comes as JSON lines. */
function cli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [bin, ...args], { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    // tfjs prints a banner on stderr when it runs without tfjs-node; anything else there is a problem
    const banner = /\n?=+\nHi, looks like you are running TensorFlow\.js in Node\.js[^\n]*\n=+\n?/g;
    p.on('close', (code) => resolve({ code, out, err: err.replace(banner, '').trim() }));
  });
}

/** Runs one job in the app's worker process; `onMessage` may cancel it. */
function worker(
  job: WorkerJob,
  onMessage?: (m: FromWorker, cancel: () => void) => void,
): Promise<FromWorker[]> {
  return new Promise((resolve) => {
    const w = forkWorker();
    const seen: FromWorker[] = [];
    w.onMessage((m) => {
      seen.push(m);
      onMessage?.(m, () => w.send({ type: 'cancel' }));
    });
    w.onExit(() => resolve(seen));
    w.send({ type: 'start', job });
  });
}

const tinyStudy = tinyStudyConfig();

// each test runs the CLI or the worker in child processes: minutes on a loaded 2-core machine
describe('one run pipeline, both ways', () => {
  it('a run made by the CLI lists in the app with its kind, status, epochs and metrics', async () => {
    const cfg = path.join(tmp, 'cli-run.json');
    writeFileSync(
      cfg,
      JSON.stringify({
        dataset: { from: '2020-01-01', to: '2020-12-31', channels: ['000300', '000905'] },
        model: { preset: 'mlp', dropout: 0.2 },
        train: { epochs: 2, batchSize: 16, backend: 'cpu', earlyStoppingPatience: 0 },
      }),
    );
    const r = await cli([
      'train',
      '--config',
      cfg,
      '--out',
      runsDir,
      '--name',
      'cli-run',
      '--data',
      dailyDir(),
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const dir = path.join(runsDir, 'cli-run');
    const history = readMetrics(dir);
    expect(history.map((h) => h.epoch)).toEqual([1, 2]);
    const [s] = listRunSummaries(runsDir);
    expect(s).toMatchObject({
      id: 'cli-run',
      kind: 'train',
      status: 'finished',
      epochsDone: 2,
      epochs: 2,
      valLoss: history[1].valLoss,
      valAccuracy: history[1].valAccuracy,
      backend: 'cpu',
    });
    expect(s.valLoss).toBeGreaterThan(0);
    // no walkForward section: no test block, so no out-of-sample numbers are claimed
    expect(s.accuracy).toBeUndefined();
    const d = readRunDetail(dir);
    expect(d.history).toEqual(history);
    expect(d.config?.model.preset).toBe('mlp');
    const csv = exportCsv(dir, 'history').content;
    expect(csv.startsWith('\uFEFFepoch,loss,accuracy,val_loss,val_accuracy,learning_rate,seconds\r\n')).toBe(
      true,
    );
    expect(
      csv
        .split('\r\n')
        .slice(1, -1)
        .map((l) => Number(l.split(',')[3])),
    ).toEqual(history.map((h) => Number(h.valLoss!.toFixed(6))));
    expect(csv.replace(/\r\n/g, '')).not.toContain('\n');
    expect(() => resumableRun(dir)).toThrow(/is finished/);
  }, 300_000);

  it('a run made by the app, cancelled after its first epoch, resumes with factor-inception resume', async () => {
    const config: AppStudyConfig = defaultStudyConfig();
    config.name = 'app run';
    config.dataset = { ...config.dataset, from: '2019-01-01', channels: ['000300', '000905'] };
    config.model.preset = 'mlp';
    config.train = { ...config.train, epochs: 6, batchSize: 8, backend: 'cpu', earlyStoppingPatience: 0 };
    config.walkForward = { window: 'rolling', trainDays: 300, testDays: 60 };
    let cancelled = false;
    const msgs = await worker({ kind: 'train', config, dataDir: dailyDir(), runsDir }, (m, cancel) => {
      if (m.type === 'epoch' && !cancelled) {
        cancelled = true;
        cancel();
      }
    });
    expect(msgs.filter((m) => m.type === 'error')).toEqual([]);
    expect(msgs.at(-1)).toEqual({ type: 'done', cancelled: true });
    const run = msgs.find((m) => m.type === 'run') as Extract<FromWorker, { type: 'run' }>;
    const before = readRunFolder(run.runDir);
    expect(before).toMatchObject({ kind: 'train', status: 'cancelled' });
    const done = (before as { history: unknown[] }).history.length;
    expect(done).toBeGreaterThanOrEqual(1);
    expect(done).toBeLessThan(6);
    expect(resumableRun(run.runDir).kind).toBe('train');

    const r = await cli(['resume', run.runDir]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`resumed from checkpoint after epoch ${done}`);
    const after = readRunFolder(run.runDir);
    expect(after.status).toBe('finished');
    expect(readMetrics(run.runDir).map((h) => h.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    // the test block (the last 60 labeled dates and the unlabeled ones after them), in the study's columns
    const csv = readFileSync(path.join(run.runDir, 'predictions.csv'), 'utf8');
    expect(csv.slice(1, csv.indexOf('\r\n')).split(',')).toEqual([...PREDICTION_COLUMNS.en]);
    const rows = readPredictionsCsv(path.join(run.runDir, 'predictions.csv'));
    const labeled = rows.filter((p) => p.actual !== null);
    // the last test block takes the remainder: between half a block and one and a half blocks of 60 dates
    expect(labeled.length).toBeGreaterThanOrEqual(30);
    expect(labeled.length).toBeLessThan(90);
    // it ends at the last labeled date and the 14 dates after it (no label yet) are predicted too
    const csvDates = readFileSync(dailyFile('000300'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',')[0]);
    expect(rows.slice(-14).map((p) => p.date)).toEqual(csvDates.slice(-14));
    expect(rows.slice(-14).every((p) => p.actual === null)).toBe(true);
    expect(labeled.at(-1)!.date).toBe(csvDates.at(-15));
    const s = listRunSummaries(runsDir).find((x) => x.dir === run.runDir)!;
    expect(s).toMatchObject({ kind: 'train', status: 'finished', epochsDone: 6, epochs: 6 });
    // the listed accuracy is the share of correct labeled rows, counted here from the CSV
    expect(s.accuracy).toBeCloseTo(labeled.filter((p) => p.correct === 1).length / labeled.length, 12);
    const d = readRunDetail(run.runDir);
    expect(d.folds).toHaveLength(1);
    expect(d.folds[0].testSamples).toBe(labeled.length);
    expect(d.folds[0].testEnd).toBe(labeled.at(-1)!.date);
    expect(d.stats.sharpe).toHaveLength(2);
    expect(d.confusion!.flat().reduce((a, b) => a + b, 0)).toBe(labeled.length);
  }, 300_000);

  it('a study made by the CLI opens in the app with its kind, status and primary metrics', async () => {
    const cfg = path.join(tmp, 'tiny-study.json');
    writeFileSync(cfg, JSON.stringify(tinyStudy));
    const out = path.join(runsDir, 'cli-study');
    const r = await cli(['study', '--config', cfg, '--out', out, '--data', dailyDir()]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8'));
    const primary = summary.cells.find((c: { key: string }) => c.key === summary.primary);
    const s = listRunSummaries(runsDir).find((x) => x.id === 'cli-study')!;
    expect(s).toMatchObject({
      kind: 'study',
      status: 'finished',
      name: 'tiny-study',
      accuracy: primary.metrics.accuracy,
      balancedAccuracy: primary.metrics.balancedAccuracy,
      sharpe: primary.backtest.sharpe,
      hasReport: true,
    });
    const d = readRunDetail(out);
    expect(d.metrics.balancedAccuracy).toBe(primary.metrics.balancedAccuracy);
    expect(d.ablation.map((a) => a.cell)).toEqual(['000300_time-factor', '000300+000001_time-factor']);
    // the baselines have their own table, with ids the view translates
    expect(d.study!.baselines.map((b) => b.name)).toEqual(
      summary.baselines.map((b: { name: string }) => b.name),
    );
    expect(d.study!.baselines.map((b) => b.id)).toEqual(summary.baselines.map((b: { id: string }) => b.id));
    expect(d.study!.statistics!.verdict.sentence).toBe(summary.statistics.verdict.sentence);
    expect(d.folds.every((f) => Number.isFinite(f.balancedAccuracy))).toBe(true);
    expect(d.ablation[0].verdict).toBe('reference');
    expect(d.folds.length).toBe(summary.folds.length * 2);
    expect(d.predictions.length).toBe(readPredictionsCsv(path.join(out, 'predictions.csv')).length);
    expect(d.conclusion).toBe(`${summary.headline} ${summary.ablationSentence}`);
    expect(d.config?.ablation?.channelSets).toEqual(tinyStudy.ablation.channelSets);
  }, 300_000);

  it('a study made by the app continues with the CLI from its fold cache and reports the same numbers', async () => {
    const config = parseStudyFile('app-study.json', JSON.stringify(tinyStudy));
    const msgs = await worker({ kind: 'study', config, dataDir: dailyDir(), runsDir });
    expect(msgs.filter((m) => m.type === 'error')).toEqual([]);
    expect(msgs.at(-1)).toEqual({ type: 'done', cancelled: false });
    const { runDir } = msgs.find((m) => m.type === 'run') as Extract<FromWorker, { type: 'run' }>;
    expect(existsSync(path.join(runDir, 'study.json'))).toBe(true);
    const first = JSON.parse(readFileSync(path.join(runDir, 'summary.json'), 'utf8'));
    expect(listRunSummaries(runsDir).find((x) => x.dir === runDir)).toMatchObject({
      kind: 'study',
      status: 'finished',
      name: 'app-study',
    });

    const r = await cli(['resume', runDir, '--data', dailyDir()]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`(0 folds trained, ${first.folds.length * 2} cached`);
    const again = JSON.parse(readFileSync(path.join(runDir, 'summary.json'), 'utf8'));
    for (const k of ['cells', 'baselines', 'ablation', 'headline', 'buyHold'])
      expect(again[k]).toEqual(first[k]);
    // and the CLI's run list shows both kinds
    const list = await cli(['runs', '--out', runsDir, '--json']);
    const kinds = (JSON.parse(list.out) as { kind: string; name: string }[]).map((x) => x.kind).sort();
    expect(kinds).toEqual(['study', 'study', 'train', 'train']);
  }, 300_000);
});
