/**
 * `updateData`: brings every daily index file of a data folder up to date from a free public source.
 *
 * For each file: fetch the bars from a few stored days before its last date to today, check units and values
 * on the overlap, plan the merge (./merge.ts), stop at gaps other indices reveal, then write atomically (temp
 * file, fsync, rename) after a backup of the previous file, and verify by re-importing the candidate that every
 * stored bar is unchanged. Any failure leaves that file byte for byte as it was. One file's failure never stops
 * the others; cancelling stops before the next request or write.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { findIndexFile } from '../data-dir';
import { codeFromName, importFile } from '../import';
import { latestSettledDay, shanghaiTime } from './clock';
import { FetchError, createHttpClient, type HttpClient, type HttpOptions } from './http';
import { fileLayout, type FileLayout } from './layout';
import { cutAtGap, planMerge, type MergePlan } from './merge';
import { SOURCES, exchangeOf, type FetchRange } from './sources';
import { writeMerged, type LoadedFile } from './write';
import {
  DEFAULT_TOLERANCE,
  type FileUpdate,
  type SourceChoice,
  type SourceName,
  type Tolerance,
  type UpdateProgress,
  type UpdateReport,
} from './types';

export interface UpdateOptions {
  /** The data folder; every daily index file in it is updated unless `codes` narrows the set. */
  dataDir: string;
  /** Index codes to update (files found by code in their name, as predict and the study find them). */
  codes?: string[];
  /** 'auto' (default): Eastmoney, then Sina when Eastmoney fails or is refused. */
  source?: SourceChoice;
  /** Replaces the scheme and host of every source (tests, mirrors, proxies). */
  baseUrl?: string;
  /** 'file' (default) keeps the file's value on a disagreeing overlapping day; 'source' writes the source's. */
  prefer?: 'file' | 'source';
  /** Plan and report, write nothing. */
  dryRun?: boolean;
  /** Stored days re-fetched to check units and values against (default 5). */
  overlapDays?: number;
  tolerance?: Partial<Tolerance>;
  http?: Partial<HttpOptions>;
  /** The clock (injected for tests); default: the system clock. */
  now?: () => Date;
  signal?: AbortSignal;
  onProgress?: (p: UpdateProgress) => void;
}

const DATA_FILE = /\.(csv|txt|tsv)$/i;

type Loaded = LoadedFile;

/** Index codes of the files in dir (by the code in their name), each with the file findIndexFile picks. */
export function indexFilesIn(dir: string): { code: string; file: string }[] {
  const codes = new Set<string>();
  for (const f of readdirSync(dir).sort()) {
    if (!DATA_FILE.test(f)) continue;
    const c = codeFromName(f);
    if (c) codes.add(c);
  }
  return [...codes].map((code) => ({ code, file: findIndexFile(dir, code) }));
}

function blank(code: string, file: string): FileUpdate {
  return {
    code,
    file,
    status: 'failed',
    appended: [],
    disagreements: [],
    replaced: [],
    skippedDays: [],
    notes: [],
  };
}

function load(code: string, file: string): Loaded {
  const bytes = readFileSync(file);
  const { bars, report } = importFile(file, { code });
  return { code, file, bytes, bars, report };
}

/** Updates the data folder; resolves with what happened to each file (never rejects for one file's trouble). */
export async function updateData(opts: UpdateOptions): Promise<UpdateReport> {
  const now = opts.now ?? (() => new Date());
  const tol: Tolerance = { ...DEFAULT_TOLERANCE, ...opts.tolerance };
  const overlapDays = Math.max(1, opts.overlapDays ?? 5);
  const http = createHttpClient(opts.http);
  const order: SourceName[] = opts.source && opts.source !== 'auto' ? [opts.source] : ['eastmoney', 'sina'];
  const started = now();
  const today = shanghaiTime(started);
  const settled = latestSettledDay(started);

  const all = indexFilesIn(opts.dataDir);
  const wanted = [...new Set(opts.codes?.length ? opts.codes : all.map((x) => x.code))];
  const results: FileUpdate[] = [];
  const loaded = new Map<string, Loaded>();
  // Every index file is read, also those not updated: their dates tell where another index's answer has a gap.
  for (const { code, file } of all) {
    try {
      loaded.set(code, load(code, file));
    } catch {
      /* an unreadable file is reported below if it was asked for, else ignored */
    }
  }
  const total = wanted.length;
  const finished = new Set<string>();
  const progress = (phase: UpdateProgress['phase'], code: string, message: string) => {
    if (phase === 'done') finished.add(code);
    opts.onProgress?.({ phase, code, done: finished.size, total, message });
  };

  const plans = new Map<string, Planned>();
  let cancelled = false;
  for (const code of wanted) {
    const r = await prepare(code, {
      opts,
      loaded,
      order,
      http,
      tol,
      overlapDays,
      settled,
      today: today.date,
      nowText: `${today.date} ${today.hhmm}`,
      now,
      plans,
      progress,
    });
    results.push(r);
    if (r.status === 'cancelled') cancelled = true;
    if (!plans.has(code)) progress('done', code, `${code}: ${r.status}${r.error ? ` (${r.error})` : ''}`);
  }

  // Gaps: a day another index has after this file's last date, missing from this answer. References are the
  // answers as they came, before any cut, so the result does not depend on the order of the files.
  const answered = [...plans].map(([c, p]) => [c, p.source, p.plan.append.map((b) => b.date)] as const);
  for (const [code, { plan }] of plans) {
    const reference = new Map<string, string[]>();
    const add = (d: string, who: string) => {
      const w = reference.get(d);
      if (!w) reference.set(d, [who]);
      else if (!w.includes(who)) w.push(who);
    };
    const last = loaded.get(code)!.bars.date.at(-1)!;
    for (const [other, l] of loaded) {
      if (other === code || l.bars.barsPerDay !== 1) continue;
      for (let i = l.bars.date.length - 1; i >= 0 && l.bars.date[i] > last; i--)
        add(l.bars.date[i], `${other} (file)`);
    }
    for (const [other, source, dates] of answered)
      if (other !== code) for (const d of dates) add(d, `${other} (${source})`);
    cutAtGap(plan, last, reference);
  }

  for (const r of results) {
    const entry = plans.get(r.code);
    if (!entry) continue;
    const { plan, layout } = entry;
    const l = loaded.get(r.code)!;
    r.disagreements = plan.disagreements;
    r.skippedDays = plan.skippedDays;
    r.notes.push(...plan.notes);
    if (plan.append.length === 0 && plan.replace.length === 0) {
      progress('done', r.code, `${r.code}: nothing new`);
      continue;
    }
    if (opts.dryRun) {
      r.status = 'dry-run';
      r.appended = plan.append.map((b) => b.date);
      r.replaced = plan.replaced;
      progress('done', r.code, `${r.code}: dry run, ${plan.append.length} new day(s) not written`);
      continue;
    }
    if (opts.signal?.aborted) {
      cancelled = true;
      r.status = 'cancelled';
      progress('done', r.code, `${r.code}: cancelled before writing`);
      continue;
    }
    progress('write', r.code, `${r.code}: writing ${plan.append.length} new day(s)`);
    try {
      r.backup = writeMerged(l, layout, plan, opts.dataDir, now());
      r.status = 'updated';
      r.appended = plan.append.map((b) => b.date);
      r.replaced = plan.replaced;
      if (plan.append.length) r.lastAfter = plan.append.at(-1)!.date;
    } catch (err) {
      r.status = 'failed';
      r.error = `${l.file}: ${(err as Error).message}; nothing was changed`;
    }
    progress('done', r.code, `${r.code}: ${r.status}`);
  }

  const lasts: string[] = [];
  for (const [code, l] of loaded) {
    if (l.bars.barsPerDay !== 1) continue;
    lasts.push(results.find((x) => x.code === code)?.lastAfter ?? l.bars.date.at(-1)!);
  }
  return {
    files: results,
    cancelled,
    offline: http.requests > 0 && http.answered === 0,
    commonLastDate: lasts.length ? lasts.sort()[0] : undefined,
    ranAt: `${today.date} ${today.hhmm}`,
  };
}

interface Planned {
  plan: MergePlan;
  layout: FileLayout;
  source: SourceName;
}

interface Context {
  opts: UpdateOptions;
  loaded: Map<string, Loaded>;
  order: SourceName[];
  http: HttpClient;
  tol: Tolerance;
  overlapDays: number;
  settled: string;
  today: string;
  nowText: string;
  now: () => Date;
  plans: Map<string, Planned>;
  progress: (phase: UpdateProgress['phase'], code: string, message: string) => void;
}

/** Reads one file, fetches its new days (trying the sources in order) and records its merge plan in ctx.plans. */
async function prepare(code: string, ctx: Context): Promise<FileUpdate> {
  const { opts } = ctx;
  let file: string;
  try {
    file = findIndexFile(opts.dataDir, code);
  } catch (err) {
    return { ...blank(code, ''), error: (err as Error).message };
  }
  const r = blank(code, file);
  if (opts.signal?.aborted) return { ...r, status: 'cancelled' };
  let l: Loaded;
  try {
    l = ctx.loaded.get(code) ?? load(code, file);
    ctx.loaded.set(code, l);
  } catch (err) {
    return { ...r, error: (err as Error).message };
  }
  const n = l.bars.date.length;
  r.lastBefore = r.lastAfter = l.bars.date[n - 1];
  if (l.bars.barsPerDay !== 1) {
    r.status = 'skipped';
    r.notes.push(`${l.bars.barsPerDay} bars a day: updates fetch daily bars only`);
    return r;
  }
  let layout: FileLayout;
  try {
    layout = fileLayout(l.bytes.toString('utf8'), l.report);
  } catch (err) {
    return { ...r, status: 'refused', error: `${file}: ${(err as Error).message}` };
  }
  if (r.lastBefore >= ctx.settled) {
    r.status = 'up-to-date';
    r.notes.push(`ends ${r.lastBefore}; no newer finished trading day at ${ctx.nowText} Shanghai time`);
    return r;
  }
  const range: FetchRange = {
    code,
    exchange: exchangeOf(code, file),
    from: l.bars.date[Math.max(0, n - ctx.overlapDays)],
    to: ctx.today,
  };
  for (const name of ctx.order) {
    const src = SOURCES[name];
    const url = src.url(range, opts.baseUrl);
    const more = name !== ctx.order.at(-1);
    r.source = name;
    ctx.progress('fetch', code, `${code}: asking ${name} for ${range.from}..${range.to}`);
    try {
      const answer = await ctx.http.get(url, (body) => src.parse(body, range, url), {
        signal: opts.signal,
        headers: src.headers,
      });
      ctx.progress('check', code, `${code}: ${answer.rows.length} bars from ${name}`);
      const plan = planMerge({
        file,
        stored: l.bars,
        answer,
        now: ctx.now(),
        tolerance: ctx.tol,
        prefer: opts.prefer ?? 'file',
        needsAmount: layout.hasAmount,
      });
      if (plan.refused) {
        r.status = 'refused';
        r.error = `${file}: ${plan.refused}`;
        r.disagreements = plan.disagreements;
        if (more) r.notes.push(`${name} refused (${plan.refused}); trying the next source`);
        continue;
      }
      ctx.plans.set(code, { plan, layout, source: name });
      r.status = 'up-to-date';
      r.error = undefined;
      r.disagreements = [];
      return r;
    } catch (err) {
      if (!(err instanceof FetchError)) throw err;
      if (err.kind === 'cancelled') return { ...r, status: 'cancelled', error: undefined };
      r.status = 'failed';
      r.error = `${file}: ${err.message}; nothing was changed`;
      if (more) r.notes.push(`${name} failed (${err.message}); trying the next source`);
    }
  }
  return r;
}
