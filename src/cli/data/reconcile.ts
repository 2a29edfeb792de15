/** factor-inception data reconcile: where files or sources of the same index disagree. */
import { reconcileInputs } from '../../main/training/data/update/reconcile-inputs';
import type { ReconcileReport } from '../../main/training/data/update/reconcile';
import { num, parse } from '../args';
import { TOLERANCE_FLAGS, TOLERANCE_USAGE, clock, show, tolerance } from './shared';

export const usage = `factor-inception data reconcile <file | eastmoney:CODE | sina:CODE>... [--from YYYY-MM-DD] [--to YYYY-MM-DD]
    ${TOLERANCE_USAGE} [--limit N] [--json] [--base-url URL] [--code C] [--now ISO-TIME]
  Compares two or more series of one index over their common dates and lists every day and field on which two of
  them disagree beyond the tolerance (with three or more, the odd one out). Sources are fetched over --from..--to
  (default: the last 90 days). Exit code 0: they agree; 1: disagreements found.`;

const FLAGS = {
  from: { type: 'string' },
  to: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
  'base-url': { type: 'string' },
  code: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  ...TOLERANCE_FLAGS,
} as const;

function describe(r: ReconcileReport, limit: number, tolText: string): string {
  const short = r.series.map((_, k) => String.fromCharCode(65 + k));
  const lines = [`index ${r.code}: ${r.series.length} series`];
  r.series.forEach((s, k) =>
    lines.push(`  ${short[k]}  ${s.label}  ${s.first ?? '-'}..${s.last ?? '-'}  ${s.days} day(s)`),
  );
  for (const p of r.pairs) {
    const a = short[r.series.findIndex((s) => s.label === p.a)];
    const b = short[r.series.findIndex((s) => s.label === p.b)];
    lines.push(
      `  ${a} vs ${b}: ${p.commonDays} common day(s)${p.first ? ` ${p.first}..${p.last}` : ''}, ` +
        `fields ${p.fields.join(',')}: ${p.disagreements.length} disagreement(s)`,
    );
  }
  if (r.findings.length === 0) {
    lines.push(`They agree within the tolerance (${tolText}).`);
    return lines.join('\n');
  }
  lines.push(`Disagreements beyond the tolerance (${tolText}):`);
  for (const f of r.findings.slice(0, limit)) {
    const vals = f.values.map((v, k) => `${short[k]} ${show(v)}`).join(' | ');
    lines.push(
      `  ${f.date} ${f.field.padEnd(6)} ${vals}${f.odd !== undefined ? `   odd one out: ${short[f.odd]}` : ''}`,
    );
  }
  if (r.findings.length > limit)
    lines.push(`  ... and ${r.findings.length - limit} more (--limit N or --json for all)`);
  return lines.join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, FLAGS, true);
  if (values.help || positionals.length < 2) {
    (values.help ? console.log : console.error)(`Usage: ${usage}`);
    return values.help ? 0 : 2;
  }
  for (const k of ['from', 'to'] as const)
    if (values[k] !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values[k]!))
      throw new Error(`--${k} must be YYYY-MM-DD, got '${values[k]}'`);
  const tol = tolerance(values);
  const report = await reconcileInputs(positionals, {
    tolerance: tol,
    from: values.from,
    to: values.to,
    baseUrl: values['base-url'],
    importOptions: values.code ? { code: values.code } : undefined,
    now: clock(values.now),
  });
  const tolText = `prices ${tol.pricePoints} points, volume and amount ${tol.volumeFraction * 100} %`;
  if (values.json) console.log(JSON.stringify(report, null, 1));
  else console.log(describe(report, num('limit', values.limit, 50), tolText));
  return report.findings.length ? 1 : 0;
}
