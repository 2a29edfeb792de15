/** factor-inception data update: new daily bars from a free public source, merged into the data folder. */
import { resolveDataDir } from '../../main/training/data/data-dir';
import { updateData } from '../../main/training/data/update/update';
import type { FileUpdate, SourceChoice, UpdateReport } from '../../main/training/data/update/types';
import { num, parse } from '../args';
import { TOLERANCE_FLAGS, TOLERANCE_USAGE, clock, show, tolerance } from './shared';

export const usage = `factor-inception data update [--codes 000300,...] [--source eastmoney|sina|auto] [--base-url URL] [--data DIR]
    [--prefer file|source] [--dry-run] [--json] [--overlap DAYS] [--timeout SECONDS] [--retries N] [--min-interval MS]
    ${TOLERANCE_USAGE} [--now ISO-TIME]
  Fetches the daily bars since each file's last date (re-fetching a few stored days to check units and values)
  and appends them atomically; the previous file is kept in <data>/backups/. Overlapping days that disagree are
  listed and keep the file's value unless --prefer source. Today's bar is stored only after 15:30 Shanghai time.`;

const FLAGS = {
  codes: { type: 'string' },
  source: { type: 'string' },
  'base-url': { type: 'string' },
  data: { type: 'string' },
  prefer: { type: 'string' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  overlap: { type: 'string' },
  timeout: { type: 'string' },
  retries: { type: 'string' },
  'min-interval': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  ...TOLERANCE_FLAGS,
} as const;

function describe(f: FileUpdate): string[] {
  const head = `${f.code}  ${f.status.padEnd(10)}`;
  const lines: string[] = [];
  if (f.status === 'updated' || f.status === 'dry-run') {
    lines.push(
      `${head} ${f.lastBefore} -> ${f.appended.at(-1) ?? f.lastBefore}  +${f.appended.length} day(s) from ${f.source}` +
        (f.replaced.length ? `, ${f.replaced.length} value(s) replaced by the source's` : '') +
        (f.backup ? `  (previous file: ${f.backup})` : ''),
    );
  } else {
    lines.push(
      `${head} ${f.lastBefore ? `ends ${f.lastBefore}` : ''}${f.error ? `  ${f.error}` : ''}`.trimEnd(),
    );
  }
  const kept = new Set(f.replaced.map((r) => `${r.date} ${r.field}`));
  for (const d of f.disagreements) {
    const what = kept.has(`${d.date} ${d.field}`) ? "wrote the source's" : "kept the file's";
    lines.push(
      `        disagree  ${d.date} ${d.field}: file ${show(d.fileValue)}, ${f.source} ${show(d.sourceValue)} (${what})`,
    );
  }
  for (const s of f.skippedDays) lines.push(`        not stored ${s.date}: ${s.reason}`);
  for (const n of f.notes) lines.push(`        note      ${n}`);
  return lines;
}

/** The closing line: where an aligned dataset (and so predict --date latest) now ends. */
function summary(r: UpdateReport): string {
  const lasts = [...new Set(r.files.map((f) => f.lastAfter).filter(Boolean))];
  if (!r.commonLastDate) return 'No daily index file in the data folder.';
  if (lasts.length <= 1)
    return `Every daily file ends ${r.commonLastDate}: predict --date latest uses ${r.commonLastDate}.`;
  return (
    `Files end on different dates (${lasts.sort().join(', ')}); a dataset over several of them, like ` +
    `predict --date latest, ends on the last date its channels share (${r.commonLastDate} for all of them).`
  );
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, FLAGS);
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const source = (values.source ?? 'auto') as SourceChoice;
  if (!['eastmoney', 'sina', 'auto'].includes(source))
    throw new Error(`--source must be eastmoney, sina or auto, got '${source}'`);
  const prefer = values.prefer ?? 'file';
  if (prefer !== 'file' && prefer !== 'source')
    throw new Error(`--prefer must be file or source, got '${prefer}'`);
  const codes = values.codes
    ?.split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  for (const c of codes ?? [])
    if (!/^\d{6}$/.test(c)) throw new Error(`--codes: '${c}' is not a 6-digit index code`);
  const ctl = new AbortController();
  const onSigint = () => ctl.abort();
  process.once('SIGINT', onSigint);
  let report: UpdateReport;
  try {
    report = await updateData({
      dataDir: resolveDataDir(values.data),
      codes,
      source,
      baseUrl: values['base-url'],
      prefer,
      dryRun: values['dry-run'],
      overlapDays: num('overlap', values.overlap, 5),
      tolerance: tolerance(values),
      http: {
        timeoutMs: num('timeout', values.timeout, 15) * 1000,
        retries: num('retries', values.retries, 2),
        minIntervalMs: num('min-interval', values['min-interval'], 1500),
      },
      now: clock(values.now),
      signal: ctl.signal,
      onProgress: process.stderr.isTTY && !values.json ? (p) => console.error(`  ${p.message}`) : undefined,
    });
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  if (values.json) console.log(JSON.stringify(report, null, 1));
  else {
    if (report.offline) {
      // one reason for all: the first file's, with every source it tried
      const first = report.files.find((f) => f.error);
      for (const n of first?.notes ?? []) console.log(n);
      if (first?.error) console.log(first.error.replace(`${first.file}: `, ''));
      for (const f of report.files)
        console.log(`${f.code}  ${f.status.padEnd(10)} ends ${f.lastBefore ?? '-'}`);
      console.log(
        'No source could be reached: this machine looks offline (or the sources block it). Nothing was changed.',
      );
    } else {
      for (const f of report.files) console.log(describe(f).join('\n'));
      console.log(summary(report));
    }
    if (report.cancelled) console.log('Cancelled: files not yet written are unchanged.');
  }
  const bad = report.files.some((f) => f.status === 'failed' || f.status === 'refused');
  return bad || report.cancelled ? 1 : 0;
}
