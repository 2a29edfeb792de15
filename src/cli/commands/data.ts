/** factor-inception data check | update | reconcile: validation reports, updates from public sources, reconciliation. */
import type { Bars } from '../../shared/domain';
import { DataError } from '../../shared/errors';
import { importFile, type ImportOptions, type ImportReport } from '../../main/training/data/import';
import { compareSources, crossGaps } from '../../main/training/data/validate';
import { num, parse } from '../args';
import * as reconcileCmd from '../data/reconcile';
import * as updateCmd from '../data/update';

const checkUsage =
  'factor-inception data check <file...> [--json] [--limit N] [--code C] [--volume-unit shares|lots] [--format baostock|sina|eastmoney|tushare|tdx|czsc|generic] [--encoding utf-8|gbk]';
export const usage = [checkUsage, updateCmd.usage, reconcileCmd.usage].join('\n');

const FLAGS = {
  json: { type: 'boolean' },
  limit: { type: 'string' },
  code: { type: 'string' },
  'volume-unit': { type: 'string' },
  format: { type: 'string' },
  encoding: { type: 'string' },
} as const;

function describe(r: ImportReport, limit: number): string {
  const counts = { error: 0, warning: 0, info: 0 };
  for (const i of r.issues) counts[i.severity]++;
  const unit =
    r.volumeUnit === 'lots'
      ? 'lots (x100 to shares)'
      : r.format === 'tdx'
        ? 'as in file (see volume-unit note)'
        : 'shares';
  const lines = [
    r.file,
    `  format ${r.format}, encoding ${r.encoding}, delimiter '${r.delimiter}', header line ${r.headerLine}, dates ${r.dateFormat}` +
      (r.reversed ? ', newest-first (reversed)' : ''),
    `  code ${r.code}, ${r.barsPerDay} bar(s) per day, ${r.firstTime ?? '-'} .. ${r.lastTime ?? '-'}`,
    `  rows read ${r.rowsRead}, kept ${r.rowsKept}, dropped ${r.rowsDropped}`,
    `  volume unit ${unit}; amount x${r.amountScale} to CNY`,
    `  issues: ${counts.error} error(s), ${counts.warning} warning(s), ${counts.info} note(s)`,
  ];
  const order = { error: 0, warning: 1, info: 2 };
  const sorted = [...r.issues].sort(
    (a, b) => order[a.severity] - order[b.severity] || (a.line ?? 0) - (b.line ?? 0),
  );
  for (const i of sorted.slice(0, limit)) {
    const where = [i.line !== undefined ? `${i.file}:${i.line}` : i.file, i.field].filter(Boolean).join(':');
    lines.push(`    ${i.severity.padEnd(7)} ${i.kind.padEnd(15)} ${where}  ${i.message}`);
  }
  if (sorted.length > limit)
    lines.push(`    ... and ${sorted.length - limit} more (--limit N or --json for all)`);
  return lines.join('\n');
}

export async function run(argv: string[]): Promise<number> {
  if (argv[0] === 'update') return updateCmd.run(argv.slice(1));
  if (argv[0] === 'reconcile') return reconcileCmd.run(argv.slice(1));
  const { values, positionals } = parse(argv, FLAGS, true);
  const [sub, ...files] = positionals;
  if (sub !== 'check' || files.length === 0) {
    console.error(`Usage: ${usage}`);
    return 2;
  }
  const vu = values['volume-unit'];
  if (vu !== undefined && vu !== 'shares' && vu !== 'lots')
    throw new Error(`--volume-unit must be shares or lots, got '${vu}'`);
  const enc = values.encoding;
  if (enc !== undefined && enc !== 'utf-8' && enc !== 'gbk')
    throw new Error(`--encoding must be utf-8 or gbk, got '${enc}'`);
  const opts: ImportOptions = { code: values.code, volumeUnit: vu, format: values.format, encoding: enc };
  const limit = num('limit', values.limit, 10);

  const reports: (ImportReport | { file: string; error: string })[] = [];
  const loaded: { bars: Bars; report: ImportReport }[] = [];
  let failed = 0;
  for (const file of files) {
    try {
      const res = importFile(file, opts);
      loaded.push(res);
      reports.push(res.report);
    } catch (err) {
      if (!(err instanceof DataError)) throw err;
      failed++;
      reports.push({ file, error: err.message });
      console.error(`unusable: ${err.message}`);
    }
  }
  // Gaps against the other files given, per bar size (daily with daily, intraday with intraday).
  for (const bpd of new Set(loaded.map((l) => l.bars.barsPerDay))) {
    const group = loaded.filter((l) => l.bars.barsPerDay === bpd);
    if (group.length < 2) continue;
    const gaps = crossGaps(group.map((g) => g.bars));
    for (const g of group) g.report.issues.push(...gaps.filter((i) => i.file === g.bars.source));
  }
  // Two files of the same index: closes that disagree beyond rounding are named in both reports.
  for (let a = 0; a < loaded.length; a++) {
    for (let b = a + 1; b < loaded.length; b++) {
      const [x, y] = [loaded[a], loaded[b]];
      if (x.bars.code !== y.bars.code || x.bars.barsPerDay !== y.bars.barsPerDay) continue;
      x.report.issues.push(...compareSources(x.bars, y.bars));
      y.report.issues.push(...compareSources(y.bars, x.bars));
    }
  }
  if (values.json) {
    console.log(JSON.stringify(reports, null, 1));
  } else {
    for (const r of reports) if (!('error' in r)) console.log(describe(r, limit) + '\n');
  }
  return failed ? 1 : 0;
}
