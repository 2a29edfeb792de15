/**
 * The fold baselines (src/main/training/eval/fold-baselines.ts) on the real daily data, without the network:
 * the four-channel dataset and walk-forward folds of a study preset, each baseline fitted per fold exactly as the
 * study will (train, validation for the penalty / early stopping, labeled test dates), then metrics with 90 %
 * block-bootstrap intervals and the costed long-on-up backtest against buy-and-hold on the same dates. The old
 * fixed-penalty logistic regression is printed beside the one whose penalty the validation slice chooses.
 *
 *   npx tsx bench/baselines.ts [--preset medium] [--only name,name]
 *   npm run bench -- baselines
 */
import { parseArgs } from 'node:util';
import { findIndexFile, resolveDataDir } from '../src/main/training/data/data-dir';
import { importFile } from '../src/main/training/data/import';
import { backtest, DEFAULT_BACKTEST } from '../src/main/training/eval/backtest';
import { fitLogistic, predictLogistic } from '../src/main/training/eval/baselines';
import { blockBootstrap } from '../src/main/training/eval/bootstrap';
import {
  defaultFoldBaselines,
  lastDayFactors,
  runFoldBaseline,
  type FoldBaseline,
} from '../src/main/training/eval/fold-baselines';
import { argmaxRows, classMetrics } from '../src/main/training/eval/metrics';
import { walkForwardSplits } from '../src/main/training/eval/splits';
import { computeStats } from '../src/main/training/eval/stats';
import { parseStudyConfig, readPreset } from '../src/main/training/eval/study-config';
import { buildDataset } from '../src/main/training/images/dataset';
import { buildFeatureTable, columnsWhere, tableRows } from '../src/main/training/tabular/table';
import type { Bars } from '../src/shared/domain';

const FOUR = ['000300', '000001', '000905', '399006'];

/** The study's old logistic regression (fixed L2 = 0.01), for the before/after line. */
const fixedLogistic: FoldBaseline = {
  name: 'logistic regression, fixed L2 0.01 (before)',
  description: 'the study before issue 14',
  needsTable: true,
  predictFold(rows, fold) {
    const t = rows.table!;
    const cols = columnsWhere(t, lastDayFactors);
    const pick = (r: number[]) => {
      const full = tableRows(t, r);
      const d = t.columns.length;
      return Float32Array.from(
        { length: r.length * cols.length },
        (_, k) => full[Math.floor(k / cols.length) * d + cols[k % cols.length]],
      );
    };
    const fit = [...fold.train, ...fold.val];
    const m = fitLogistic(
      pick(fit),
      Int8Array.from(fit, (r) => rows.labels[r]),
      cols.length,
    );
    const probs = predictLogistic(m, pick(fold.test));
    return { pred: argmaxRows(probs), probs };
  },
};

export async function benchBaselines(argv: string[] = []): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      preset: { type: 'string', default: 'medium' },
      only: { type: 'string' },
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
  const H = cfg.dataset.horizonDays;
  const folds = walkForwardSplits(ds.dates, labeled, {
    ...cfg.walkForward,
    horizonDays: H,
    validationFraction: cfg.train.validationFraction,
  });
  const dates = ds.dates.slice(0, labeled);
  const table = buildFeatureTable(ds, dates, bars);
  const rows = { dates, labels: ds.labels, targetDaily: ds.targetDaily, table };
  const testRows = folds.flatMap((f) => f.test);
  const testDates = testRows.map((r) => dates[r]);
  const truth = Int8Array.from(testRows, (r) => ds.labels[r]);
  const all = [...defaultFoldBaselines(H), fixedLogistic];
  const only = values.only?.split(',');
  const chosen = only ? all.filter((b) => only.some((o) => b.name.startsWith(o))) : all;
  console.log(
    `baselines on preset ${values.preset}: ${FOUR.join('+')}, ${folds.length} folds testing ${folds[0].testStart}..${folds.at(-1)!.testEnd} (${truth.length} labeled test dates), ${table.columns.length} table columns; long on 'up', next open, ${DEFAULT_BACKTEST.commissionBps}+${DEFAULT_BACKTEST.slippageBps} bp per side`,
  );
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const boot = { blockLength: H, reps: 1000, level: 0.9, seed: 7 };
  console.log(
    '\n| baseline | accuracy | balanced accuracy [90 % CI] | macro-F1 | log-loss | annual return | Sharpe | max drawdown | fit time | chosen per fold |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  let bh: ReturnType<typeof computeStats> | undefined;
  for (const b of chosen) {
    const t0 = performance.now();
    const out = runFoldBaseline(b, rows, folds, 1);
    const seconds = (performance.now() - t0) / 1000;
    const m = classMetrics(truth, out.pred, out.probs);
    const ci = blockBootstrap(
      truth.length,
      (idx) =>
        classMetrics(
          Array.from(idx, (i) => truth[i]),
          Array.from(idx, (i) => out.pred[i]),
        ).balancedAccuracy,
      boot,
    );
    const bt = backtest({
      bars: ds.targetDaily,
      signalDates: testDates,
      signals: out.pred,
      options: DEFAULT_BACKTEST,
    });
    const st = computeStats(bt.equity, bt.exposure, bt.trades);
    if (!bh) {
      const exp = new Float64Array(bt.buyHold.length).fill(1);
      exp[0] = 0;
      bh = computeStats(bt.buyHold, exp, bt.buyHoldTrades);
    }
    const info = out.info
      .map((i) =>
        Object.entries(i)
          .filter(([k]) => k !== 'features')
          .map(([k, v]) => `${k} ${v}`)
          .join(' '),
      )
      .filter(Boolean);
    console.log(
      `| ${b.name} | ${pct(m.accuracy)} | ${pct(m.balancedAccuracy)} [${pct(ci.lo)}, ${pct(ci.hi)}] | ${pct(m.macroF1)} | ${Number.isFinite(m.logLoss) ? m.logLoss.toFixed(3) : '–'} | ${pct(st.annualReturn)} | ${st.sharpe.toFixed(2)} | ${pct(st.maxDrawdown)} | ${seconds.toFixed(1)} s | ${info.join('; ')} |`,
    );
  }
  if (bh)
    console.log(
      `| buy-and-hold | | | | | ${pct(bh.annualReturn)} | ${bh.sharpe.toFixed(2)} | ${pct(bh.maxDrawdown)} | | |`,
    );
  console.log(`\nuniform guess log-loss ${Math.log(3).toFixed(4)}; chance balanced accuracy 33.3 %`);
}

if (import.meta.url === `file://${process.argv[1]}`) await benchBaselines(process.argv.slice(2));
