/**
 * CSV exports of a study: UTF-8 with a byte-order mark (so Excel opens Chinese text right), headers in
 * English or Chinese. Probabilities and returns are fractions (0.25 = 25 %), equity starts at 1.
 */
import Papa from 'papaparse';
import type { StudyResult } from '../eval/study/result';

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
  ],
} as const;

const CLASS_LABELS = { en: ['down', 'flat', 'up'], zh: ['下跌', '持平', '上涨'] } as const;

function fmt(x: number, digits = 6): string | number {
  return Number.isFinite(x) ? Number(x.toFixed(digits)) : '';
}

/** predictions.csv of the primary cell: one row per study date; realised values blank where not yet known. */
export function predictionsCsv(r: StudyResult, lang: 'en' | 'zh' = 'en'): string {
  const cell = r.cells.find((c) => c.key === r.primary)!;
  const bt = cell.backtest;
  const at = new Map(bt.dates.map((d, i) => [d, i] as const));
  const names = CLASS_LABELS[lang];
  const rows = r.dates.map((date, k) => {
    const i = at.get(date)!;
    const truth = r.labels[k];
    const pred = cell.pred[k];
    return [
      date,
      fmt(r.targetClose[k], 4),
      fmt(cell.probs[k * 3], 6),
      fmt(cell.probs[k * 3 + 1], 6),
      fmt(cell.probs[k * 3 + 2], 6),
      names[pred],
      fmt(r.forwardReturns[k], 6),
      truth >= 0 ? names[truth] : '',
      truth >= 0 ? (truth === pred ? 1 : 0) : '',
      fmt(bt.target[i], 4),
      fmt(bt.equity[i], 6),
      fmt(bt.buyHold[i], 6),
    ];
  });
  return (
    BOM + Papa.unparse({ fields: [...PREDICTION_COLUMNS[lang]], data: rows }, { newline: '\r\n' }) + '\r\n'
  );
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
  ]);
  return BOM + Papa.unparse({ fields: [...FOLD_COLUMNS[lang]], data: rows }, { newline: '\r\n' }) + '\r\n';
}
