/**
 * CSV exports of studies and training runs: UTF-8 with a byte-order mark (so Excel opens Chinese text right), headers in
 * English or Chinese. Probabilities and returns are fractions (0.25 = 25 %), equity starts at 1.
 */
import Papa from 'papaparse';
import type { BacktestResult } from '../eval/backtest';
import type { StudyResult } from '../eval/study/result';
import type { EpochMetrics } from '../train/settings';

export const BOM = '\uFEFF';

export const PREDICTION_COLUMNS = {
  en: [
    'date',
    'target_close',
    'p_down',
    'p_flat',
    'p_up',
    'predicted_class',
    'forward_return',
    'realised_class',
    'correct',
    'position',
    'strategy_equity',
    'buy_hold_equity',
  ],
  zh: [
    '日期',
    '收盘价',
    '下跌概率',
    '持平概率',
    '上涨概率',
    '预测类别',
    '实际远期收益',
    '实际类别',
    '是否正确',
    '仓位',
    '策略净值',
    '买入持有净值',
  ],
} as const;

export const FOLD_COLUMNS = {
  en: [
    'cell',
    'seed',
    'fold',
    'test_start',
    'test_end',
    'train_samples',
    'val_samples',
    'test_samples',
    'epochs',
    'best_epoch',
    'stopped_early',
    'seconds',
    'backend',
    'accuracy',
    'cached',
    'balanced_accuracy',
  ],
  zh: [
    '组合',
    '种子',
    '折',
    '测试开始',
    '测试结束',
    '训练样本',
    '验证样本',
    '测试样本',
    '轮数',
    '最佳轮',
    '提前停止',
    '秒',
    '后端',
    '准确率',
    '来自缓存',
    '平衡准确率',
  ],
} as const;

/** folds.csv as written before it had the balanced-accuracy column (still read). */
export const FOLD_COLUMNS_V1 = {
  en: FOLD_COLUMNS.en.slice(0, 15),
  zh: FOLD_COLUMNS.zh.slice(0, 15),
} as const;

export const CLASS_LABELS = { en: ['down', 'flat', 'up'], zh: ['下跌', '持平', '上涨'] } as const;

export function fmt(x: number, digits = 6): string | number {
  return Number.isFinite(x) ? Number(x.toFixed(digits)) : '';
}

/** One prediction per row and the backtest that traded them: what predictions.csv holds. */
export interface PredictionTable {
  dates: string[];
  targetClose: ArrayLike<number>;
  /** rows x 3 probabilities [down, flat, up]. */
  probs: ArrayLike<number>;
  pred: ArrayLike<number>;
  /** -1 where the label is not known yet. */
  labels: ArrayLike<number>;
  /** Fractions; NaN where not known yet. */
  forwardReturns: ArrayLike<number>;
  backtest: { [K in 'target' | 'equity' | 'buyHold']: ArrayLike<number> } & Pick<BacktestResult, 'dates'>;
}

/** predictions.csv: one row per date; realised values blank where not yet known. */
export function predictionTableCsv(t: PredictionTable, lang: 'en' | 'zh' = 'en'): string {
  const bt = t.backtest;
  const at = new Map(bt.dates.map((d, i) => [d, i] as const));
  const names = CLASS_LABELS[lang];
  const rows = t.dates.map((date, k) => {
    const i = at.get(date)!;
    const truth = t.labels[k];
    const pred = t.pred[k];
    return [
      date,
      fmt(t.targetClose[k], 4),
      fmt(t.probs[k * 3], 6),
      fmt(t.probs[k * 3 + 1], 6),
      fmt(t.probs[k * 3 + 2], 6),
      names[pred],
      fmt(t.forwardReturns[k], 6),
      truth >= 0 ? names[truth] : '',
      truth >= 0 ? (truth === pred ? 1 : 0) : '',
      fmt(bt.target[i], 4),
      fmt(bt.equity[i], 6),
      fmt(bt.buyHold[i], 6),
    ];
  });
  return csvText([...PREDICTION_COLUMNS[lang]], rows);
}

/** predictions.csv of a study: its primary cell. */
export function predictionsCsv(r: StudyResult, lang: 'en' | 'zh' = 'en'): string {
  const cell = r.cells.find((c) => c.key === r.primary)!;
  return predictionTableCsv(
    {
      dates: r.dates,
      targetClose: r.targetClose,
      probs: cell.probs,
      pred: cell.pred,
      labels: r.labels,
      forwardReturns: r.forwardReturns,
      backtest: cell.backtest,
    },
    lang,
  );
}

export const HISTORY_COLUMNS = [
  'epoch',
  'loss',
  'accuracy',
  'val_loss',
  'val_accuracy',
  'learning_rate',
  'seconds',
] as const;

/** The epoch history of a training run as CSV (blank where an epoch had no validation). */
export function historyCsv(history: EpochMetrics[]): string {
  const rows = history.map((m) => [
    m.epoch,
    fmt(m.loss, 6),
    fmt(m.accuracy, 6),
    fmt(m.valLoss ?? NaN, 6),
    fmt(m.valAccuracy ?? NaN, 6),
    m.learningRate,
    fmt(m.seconds, 2),
  ]);
  return csvText([...HISTORY_COLUMNS], rows);
}

/** UTF-8 with a byte-order mark, CRLF line ends (what Excel expects), a final line end. */
function csvText(fields: string[], rows: (string | number)[][]): string {
  return BOM + Papa.unparse({ fields, data: rows }, { newline: '\r\n' }) + '\r\n';
}

/** folds.csv: one row per trained (or cached) fold of every cell and seed. */
export function foldsCsv(r: StudyResult, lang: 'en' | 'zh' = 'en'): string {
  const rows = r.foldRecords.map((f) => [
    f.cell,
    f.seed,
    f.fold,
    f.testStart,
    f.testEnd,
    f.trainCount,
    f.valCount,
    f.testCount,
    f.epochs,
    f.bestEpoch ?? '',
    f.stoppedEarly ? 1 : 0,
    fmt(f.seconds, 1),
    f.backend,
    fmt(f.accuracy, 4),
    f.cached ? 1 : 0,
    fmt(f.balancedAccuracy ?? NaN, 4),
  ]);
  return csvText([...FOLD_COLUMNS[lang]], rows);
}
