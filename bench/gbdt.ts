/**
 * The engine's GBDT (src/main/training/gbdt/) beside LightGBM 4.7 (bench/lightgbm_reference.py) on the same
 * tabular features and the same walk-forward folds of the real daily data (four channels, a study preset's
 * dataset and walkForward sections). Both get identical rows, labels, balanced class weights, validation
 * slices and hyperparameters; each fold is fitted on its training rows with early stopping on its validation
 * rows and scored on its labeled test rows. Prints accuracy, balanced accuracy, log-loss and fit time side by side.
 *
 *   npx tsx bench/gbdt.ts [--preset medium] [--threads 1] [--lags 0,1,5] [--no-alpha] [--keep <dir>]
 *   npm run bench -- gbdt
 *
 * LightGBM is skipped with a message when python3 cannot import it (pip install lightgbm==4.7.0).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { findIndexFile, resolveDataDir } from '../src/main/training/data/data-dir';
import { importFile } from '../src/main/training/data/import';
import { balancedWeights } from '../src/main/training/eval/fold-baselines';
import { argmaxRows, classMetrics } from '../src/main/training/eval/metrics';
import { walkForwardSplits } from '../src/main/training/eval/splits';
import { parseStudyConfig, readPreset } from '../src/main/training/eval/study-config';
import { DEFAULT_GBDT, fitGbdt, predictGbdt } from '../src/main/training/gbdt/booster';
import { buildDataset } from '../src/main/training/images/dataset';
import { buildFeatureTable, tableRows } from '../src/main/training/tabular/table';
import type { Bars } from '../src/shared/domain';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FOUR = ['000300', '000001', '000905', '399006'];

interface FoldOut {
  probs: number[];
  seconds: number;
  rounds: number;
}

function summarise(name: string, truth: number[], folds: FoldOut[]) {
  const probs = folds.flatMap((f) => f.probs);
  const m = classMetrics(truth, argmaxRows(probs), probs);
  return {
    name,
    accuracy: m.accuracy,
    balancedAccuracy: m.balancedAccuracy,
    logLoss: m.logLoss,
    seconds: folds.reduce((a, f) => a + f.seconds, 0),
    rounds: folds.map((f) => f.rounds),
    probs,
    pred: argmaxRows(probs),
  };
}

export async function benchGbdt(argv: string[] = []): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      preset: { type: 'string', default: 'medium' },
      threads: { type: 'string', default: '1' },
      lags: { type: 'string', default: '0,1,5' },
      'no-alpha': { type: 'boolean', default: false },
      keep: { type: 'string' },
      data: { type: 'string' },
    },
  });
  const cfg = parseStudyConfig(readPreset(values.preset!), `preset ${values.preset}`);
  const dir = resolveDataDir(values.data);
  const bars = new Map<string, Bars>(
    FOUR.map((c) => [c, importFile(findIndexFile(dir, c), { code: c }).bars]),
  );
  const ds = buildDataset({ ...cfg.dataset, channels: FOUR }, bars);
  let labeled = ds.labels.findIndex((l) => l < 0);
  if (labeled < 0) labeled = ds.dates.length;
  const folds = walkForwardSplits(ds.dates, labeled, {
    ...cfg.walkForward,
    horizonDays: cfg.dataset.horizonDays,
    validationFraction: cfg.train.validationFraction,
  });
  const lags = values.lags!.split(',').map(Number);
  const t0 = performance.now();
  const table = buildFeatureTable(ds, ds.dates.slice(0, labeled), bars, {
    lagsDays: lags,
    alpha: !values['no-alpha'],
  });
  const tableMs = performance.now() - t0;
  const d = table.columns.length;
  const params = { ...DEFAULT_GBDT };
  console.log(
    `GBDT vs LightGBM 4.7: preset ${values.preset}, ${FOUR.join('+')}, ${labeled} labeled dates, ${d} features ` +
      `(factors at lags ${lags.join('/')} days${values['no-alpha'] ? '' : ' + Alpha158-style'}; table ${tableMs.toFixed(0)} ms), ` +
      `${folds.length} folds testing ${folds[0].testStart}..${folds[folds.length - 1].testEnd}`,
  );
  console.log(
    `params: rounds<=${params.numRounds} lr ${params.learningRate} leaves ${params.numLeaves} min_data_in_leaf ${params.minDataInLeaf} ` +
      `lambda_l2 ${params.lambdaL2} feature_fraction ${params.featureFraction} bagging ${params.baggingFraction} ` +
      `max_bin ${params.maxBin - 1}(+missing) early stopping ${params.earlyStoppingRounds}, balanced class weights, seed ${params.seed}`,
  );

  await compare(
    'real labels (14-day forward class)',
    ds.labels,
    folds,
    table,
    d,
    params,
    values,
    work0(values.keep),
  );
  // The same rows, features and folds with labels planted from three features (a nonlinear rule the trees can
  // learn): here both implementations have something to find, so their agreement says more than at chance.
  const ja = table.columns.findIndex((c) => c.name === '000300:ma_dev_20');
  const jb = table.columns.findIndex((c) => c.name === '000905:rsi_12');
  const jc = table.columns.findIndex((c) => c.name === '000300:RSV20');
  const planted = new Int8Array(labeled);
  for (let i = 0; i < labeled; i++) {
    const v = table.values;
    const s = v[i * d + ja] + (v[i * d + jb] > 0 ? 1 : -1) * (v[i * d + jc] - 0.5) * 2;
    planted[i] = s < -0.5 ? 0 : s > 0.5 ? 2 : 1;
  }
  await compare(
    'planted labels (a rule on 000300:ma_dev_20, 000905:rsi_12, 000300:RSV20)',
    planted,
    folds,
    table,
    d,
    params,
    values,
    work0(values.keep),
  );
  console.log(`uniform guess log-loss: ${Math.log(3).toFixed(4)}`);
}

function work0(keep: string | undefined): string {
  return keep ? path.resolve(keep) : mkdtempSync(path.join(os.tmpdir(), 'fi-gbdt-'));
}

async function compare(
  title: string,
  labels: Int8Array,
  folds: ReturnType<typeof walkForwardSplits>,
  table: ReturnType<typeof buildFeatureTable>,
  d: number,
  params: typeof DEFAULT_GBDT,
  values: { keep?: string; threads?: string },
  work: string,
): Promise<void> {
  const labeled = table.dates.length;
  const truth: number[] = [];
  const ours: FoldOut[] = [];
  const exportFolds = folds.map((f) => {
    const cw = balancedWeights(labels, f.train);
    const wOf = (rows: number[]) => Float64Array.from(rows, (j) => cw[labels[j]]);
    const yOf = (rows: number[]) => Int8Array.from(rows, (j) => labels[j]);
    const ts = performance.now();
    const model = fitGbdt(
      { X: tableRows(table, f.train), y: yOf(f.train), weights: wOf(f.train) },
      d,
      params,
      { X: tableRows(table, f.val), y: yOf(f.val), weights: wOf(f.val) },
    );
    const probs = predictGbdt(model, tableRows(table, f.test), d);
    ours.push({
      probs: Array.from(probs),
      seconds: (performance.now() - ts) / 1000,
      rounds: model.bestRounds,
    });
    truth.push(...f.test.map((j) => labels[j]));
    return {
      train: f.train,
      val: f.val,
      test: f.test,
      classWeights: cw,
      testStart: f.testStart,
      testEnd: f.testEnd,
    };
  });

  writeFileSync(
    path.join(work, 'features.f32'),
    new Uint8Array(table.values.buffer, table.values.byteOffset, table.values.byteLength),
  );
  writeFileSync(
    path.join(work, 'meta.json'),
    JSON.stringify({
      rows: labeled,
      columns: d,
      names: table.columns.map((c) => c.name),
      labels: Array.from(labels.subarray(0, labeled)),
      folds: exportFolds,
      params,
      threads: Number(values.threads),
    }),
  );
  const r = spawnSync('python3', [path.join(HERE, 'lightgbm_reference.py'), work], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const rows = [summarise('engine GBDT (TypeScript)', truth, ours)];
  let lgbVersion = '';
  if (r.status === 0) {
    const res = JSON.parse(readFileSync(path.join(work, 'lightgbm.json'), 'utf8')) as {
      version: string;
      folds: FoldOut[];
    };
    lgbVersion = res.version;
    rows.push(
      summarise(
        `LightGBM ${res.version} (${values.threads} thread${values.threads === '1' ? '' : 's'})`,
        truth,
        res.folds,
      ),
    );
  } else {
    console.log(`LightGBM skipped: ${(r.stderr || r.error?.message || '').trim().split('\n').at(-1)}`);
  }
  if (!values.keep) rmSync(work, { recursive: true, force: true });

  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  console.log(`\n${title}:\n`);
  console.log(
    `| model | accuracy | balanced accuracy | log-loss | fit time, all folds | rounds kept per fold |`,
  );
  console.log(`| --- | --- | --- | --- | --- | --- |`);
  for (const s of rows)
    console.log(
      `| ${s.name} | ${pct(s.accuracy)} | ${pct(s.balancedAccuracy)} | ${s.logLoss.toFixed(4)} | ${s.seconds.toFixed(1)} s | ${s.rounds.join(', ')} |`,
    );
  if (rows.length === 2) {
    const [a, b] = rows;
    let agree = 0;
    let diff = 0;
    for (let i = 0; i < a.pred.length; i++) if (a.pred[i] === b.pred[i]) agree++;
    for (let i = 0; i < a.probs.length; i++) diff += Math.abs(a.probs[i] - b.probs[i]);
    console.log(
      `\nsame predicted class on ${pct(agree / a.pred.length)} of ${a.pred.length} test dates; mean |p_engine - p_lightgbm| ${(diff / a.probs.length).toFixed(4)}; ` +
        `fit time ratio engine / LightGBM ${(a.seconds / b.seconds).toFixed(1)}x (LightGBM ${lgbVersion})`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchGbdt(process.argv.slice(2));
