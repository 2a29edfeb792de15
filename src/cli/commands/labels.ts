/** factor-inception labels: class counts of the target's H-day forward labels. */
import { resolveDataDir } from '../../main/training/data/data-dir';
import { loadDailyTarget } from '../../main/training/labels/target';
import { checkDateRange } from '../../main/training/labels/date-range';
import { labelCounts } from '../../main/training/labels/labels';
import { resolveDatasetConfig } from '../../main/training/images/dataset';
import { parse } from '../args';
import { DATASET_FLAGS, datasetConfigFromFlags } from '../dataset-flags';

export const usage =
  'factor-inception labels --data <dir> --target 000300 --horizon 14 --up 0.025 --down -0.01 [--from YYYY-MM-DD] [--to YYYY-MM-DD]\n                        [--label-price close|next-open] [--json]';

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, DATASET_FLAGS);
  const cfg = resolveDatasetConfig(datasetConfigFromFlags(values));
  const dir = resolveDataDir(values.data);
  const daily = loadDailyTarget(dir, cfg.target);
  checkDateRange(cfg, daily.date, `${cfg.target} in ${daily.source}`, '--');
  const counts = labelCounts(
    daily.close,
    daily.date,
    cfg.horizonDays,
    cfg.upThreshold,
    cfg.downThreshold,
    cfg.from,
    cfg.to,
    { labelPrice: cfg.labelPrice, open: daily.open },
  );
  if (values.json) {
    console.log(JSON.stringify(counts));
    return 0;
  }
  const labeled = counts.down + counts.flat + counts.up;
  const pct = (n: number) => (labeled ? ((100 * n) / labeled).toFixed(1) : '0.0');
  console.log(
    `${cfg.target} (${daily.source}), horizon ${cfg.horizonDays} trading days, up > ${(cfg.upThreshold * 100).toFixed(2)} %, down < ${(cfg.downThreshold * 100).toFixed(2)} %` +
      (cfg.labelPrice === 'next-open' ? ', from the next open to the open H days later' : '') +
      (cfg.from || cfg.to ? `, dates ${cfg.from ?? 'start'}..${cfg.to ?? 'end'}` : ''),
  );
  console.log(`  down  ${String(counts.down).padStart(6)}  ${pct(counts.down)} %`);
  console.log(`  flat  ${String(counts.flat).padStart(6)}  ${pct(counts.flat)} %`);
  console.log(`  up    ${String(counts.up).padStart(6)}  ${pct(counts.up)} %`);
  const tail = cfg.horizonDays + (cfg.labelPrice === 'next-open' ? 1 : 0);
  console.log(`  unlabeled (last ${tail} days, kept for prediction) ${counts.unlabeled}`);
  return 0;
}
