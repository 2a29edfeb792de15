/**
 * The plan of merging a source's answer into a stored daily series, as a pure function of both (and the clock):
 * which days are appended, which overlapping days disagree, which days are not stored and why, or why the whole
 * answer is refused. History is never changed here: disagreements keep the file's value unless the caller asks
 * for the source's, and a day the file lacks inside its own range is reported, not inserted.
 */
import type { Bars } from '../../../../shared/domain';
import { BAR_SETTLED_MINUTES, isWeekend, shanghaiTime } from './clock';
import { carriedFields, disagrees } from './reconcile';
import type { SourceAnswer, SourceRow } from './sources';
import { BAR_FIELDS, type DailyBar, type Disagreement, type SkippedDay, type Tolerance } from './types';
import { AMOUNT_SCALES, VOLUME_SCALES, detectScale } from './units';

/** A source's close more than this fraction away from the file's (median over the overlap) is another series. */
export const SAME_SERIES_MAX_GAP = 0.01;

export interface MergeInput {
  file: string;
  stored: Bars;
  answer: SourceAnswer;
  now: Date;
  tolerance: Tolerance;
  prefer: 'file' | 'source';
  /** The file has an amount column, so appended rows need one. */
  needsAmount: boolean;
}

export interface MergePlan {
  overlapDays: number;
  /** Shares per source volume unit and CNY per source amount unit, as checked on the overlap. */
  volumeScale: number;
  amountScale: number;
  /** New days after the file's last date, in file units (shares, CNY), ascending. */
  append: DailyBar[];
  /** Rows that replace the file's rows on the same date (prefer 'source' only). */
  replace: DailyBar[];
  disagreements: Disagreement[];
  replaced: Disagreement[];
  skippedDays: SkippedDay[];
  notes: string[];
  /** Set when nothing of the answer may be used; the file stays as it is. */
  refused?: string;
}

function emptyPlan(): MergePlan {
  return {
    overlapDays: 0,
    volumeScale: 1,
    amountScale: 1,
    append: [],
    replace: [],
    disagreements: [],
    replaced: [],
    skippedDays: [],
    notes: [],
  };
}

function storedBar(b: Bars, i: number): DailyBar {
  return {
    date: b.date[i],
    open: b.open[i],
    high: b.high[i],
    low: b.low[i],
    close: b.close[i],
    volume: b.volume[i],
    amount: b.amount[i],
  };
}

const fmtRatio = (r: number) => (r >= 1000 ? r.toFixed(0) : r.toPrecision(3));

/** Plans the merge of `answer` into `stored`; see the module comment. */
export function planMerge(input: MergeInput): MergePlan {
  const { stored, answer, file, tolerance: tol } = input;
  const plan = emptyPlan();
  const n = stored.date.length;
  const last = stored.date[n - 1];
  const src = answer.source;
  const refuse = (why: string) => ((plan.refused = why), plan);

  const pos = new Map<string, number>();
  stored.date.forEach((d, i) => pos.set(d, i));
  const overlap: [SourceRow, number][] = [];
  const fresh: SourceRow[] = [];
  for (const r of answer.rows) {
    if (r.date > last) fresh.push(r);
    else if (pos.has(r.date)) overlap.push([r, pos.get(r.date)!]);
    else if (r.date > stored.date[0]) {
      plan.skippedDays.push({
        date: r.date,
        reason: `${src} has a bar on ${r.date}, which the file lacks inside its own range: history is not changed, not inserted`,
      });
    }
  }
  plan.overlapDays = overlap.length;
  const answered = new Set(answer.rows.map((r) => r.date));
  for (let i = n - 1; i >= 0 && answer.rows.length && stored.date[i] >= answer.rows[0].date; i--) {
    if (!answered.has(stored.date[i]))
      plan.notes.push(`the file has a bar on ${stored.date[i]}, which ${src}'s answer lacks (kept)`);
  }
  if (overlap.length === 0) {
    return refuse(
      `${src}'s answer (${answer.rows[0].date}..${answer.rows.at(-1)!.date}) has no day in common with the file ` +
        `(last ${last}): units cannot be checked against stored days, so nothing was stored`,
    );
  }

  // Same series? Prices have no unit, so a large systematic gap means another index or an adjusted series.
  const gaps = overlap.map(([r, i]) => Math.abs(r.close / stored.close[i] - 1)).sort((a, b) => a - b);
  const medGap = gaps[gaps.length >> 1];
  if (medGap > SAME_SERIES_MAX_GAP) {
    return refuse(
      `${src}'s closes differ from the file's by ${(medGap * 100).toFixed(1)} % (median of ${overlap.length} overlapping days): ` +
        `not the same series (another index, or an adjusted one?); nothing was stored`,
    );
  }

  // Units, from the overlap.
  const vol = detectScale(
    overlap.map(([, i]) => stored.volume[i]),
    overlap.map(([r]) => r.volume),
    Object.keys(VOLUME_SCALES).map(Number),
  );
  if (vol.days === 0) {
    plan.volumeScale = answer.documentedVolumeScale;
    plan.notes.push(
      `volume unit not checked (no overlapping day with volume on both sides): taken as documented, ${VOLUME_SCALES[plan.volumeScale]}`,
    );
  } else if (vol.scale === undefined) {
    return refuse(
      `${src}'s volume unit is not recognised: the file's volume is ${fmtRatio(vol.medianRatio)}x the source's ` +
        `(median of ${vol.days} overlapping days; expected 100x for lots or 1x for shares); nothing was stored`,
    );
  } else {
    plan.volumeScale = vol.scale;
    if (vol.scale !== answer.documentedVolumeScale) {
      plan.notes.push(
        `${src}'s volume came in ${VOLUME_SCALES[vol.scale]}, not ${VOLUME_SCALES[answer.documentedVolumeScale]} as documented ` +
          `(file/source ratio ${fmtRatio(vol.medianRatio)} on ${vol.days} overlapping days): converted as ${VOLUME_SCALES[vol.scale]}`,
      );
    }
  }
  const sourceHasAmount = answer.rows.every((r) => Number.isFinite(r.amount));
  if (sourceHasAmount) {
    const amt = detectScale(
      overlap.map(([, i]) => stored.amount[i]),
      overlap.map(([r]) => r.amount),
      Object.keys(AMOUNT_SCALES).map(Number),
    );
    if (amt.days === 0) {
      plan.amountScale = answer.documentedAmountScale;
    } else if (amt.scale === undefined) {
      return refuse(
        `${src}'s amount unit is not recognised: the file's amount is ${fmtRatio(amt.medianRatio)}x the source's ` +
          `(median of ${amt.days} overlapping days; expected 1x CNY, 1000x or 10000x); nothing was stored`,
      );
    } else {
      plan.amountScale = amt.scale;
      if (amt.scale !== answer.documentedAmountScale) {
        plan.notes.push(
          `${src}'s amount came in ${AMOUNT_SCALES[amt.scale]}, not ${AMOUNT_SCALES[answer.documentedAmountScale]} as documented ` +
            `(file/source ratio ${fmtRatio(amt.medianRatio)} on ${amt.days} overlapping days): converted`,
        );
      }
    }
  }
  const convert = (r: SourceRow): DailyBar => ({
    date: r.date,
    open: r.open,
    high: r.high,
    low: r.low,
    close: r.close,
    volume: r.volume * plan.volumeScale,
    amount: r.amount * plan.amountScale,
  });

  // Overlap: list every disagreement; a field that disagrees on every overlapping day is a different definition.
  // Fields the file does not carry (no volume or amount column: read as 0) are not compared.
  const fields = carriedFields(stored);
  const perField = new Map<string, number>();
  for (const [r, i] of overlap) {
    const s = convert(r);
    const f0 = storedBar(stored, i);
    const rowDis: Disagreement[] = [];
    for (const f of fields) {
      if (disagrees(f, f0[f], s[f], tol)) {
        rowDis.push({ file, date: r.date, field: f, fileValue: f0[f], sourceValue: s[f] });
        perField.set(f, (perField.get(f) ?? 0) + 1);
      }
    }
    plan.disagreements.push(...rowDis);
    if (rowDis.length && input.prefer === 'source') {
      plan.replace.push({ ...s, amount: Number.isFinite(s.amount) ? s.amount : f0.amount });
      plan.replaced.push(...rowDis);
    }
  }
  if (overlap.length >= 2) {
    const always = [...perField].filter(([, k]) => k === overlap.length).map(([f]) => f);
    if (always.length) {
      return refuse(
        `${src} disagrees with the file on ${always.join(', ')} on every one of the ${overlap.length} overlapping days: ` +
          `the source defines the series differently, so new days from it would not match the history; nothing was stored ` +
          `(compare them with 'factor-inception data reconcile')`,
      );
    }
  }

  // New days: refuse what cannot be true, skip what is not (yet) a finished trading day.
  const now = shanghaiTime(input.now);
  let prev: DailyBar = storedBar(stored, n - 1);
  for (const r of fresh) {
    if (r.date > now.date) {
      return refuse(
        `${src}'s answer has a bar dated ${r.date}, after today (${now.date} in Shanghai): a malformed answer; nothing was stored`,
      );
    }
    const s = convert(r);
    if (r.date === now.date && now.minutes < BAR_SETTLED_MINUTES) {
      plan.skippedDays.push({
        date: r.date,
        reason: `today's bar is not final before ${String((BAR_SETTLED_MINUTES / 60) | 0).padStart(2, '0')}:${String(BAR_SETTLED_MINUTES % 60).padStart(2, '0')} Shanghai time (now ${now.hhmm}): not stored`,
      });
      continue;
    }
    if (isWeekend(r.date)) {
      plan.skippedDays.push({
        date: r.date,
        reason: 'a Saturday or Sunday is not a trading day: not stored',
      });
      continue;
    }
    if (r.volume === 0) {
      plan.skippedDays.push({
        date: r.date,
        reason: 'no volume: a holiday or placeholder bar, not a trading day; not stored',
      });
      continue;
    }
    if (BAR_FIELDS.every((f) => f === 'amount' || s[f] === prev[f])) {
      plan.skippedDays.push({
        date: r.date,
        reason: `repeats the bar of ${prev.date} exactly: a placeholder, not stored`,
      });
      continue;
    }
    if (input.needsAmount && !Number.isFinite(s.amount)) {
      return refuse(
        `${src}'s answer has no amount, and the file has an amount column (CNY): new days would lack it; nothing was stored ` +
          `(use --source eastmoney)`,
      );
    }
    if (s.high < Math.max(s.open, s.close) || s.low > Math.min(s.open, s.close)) {
      plan.notes.push(
        `${r.date}: high ${s.high} / low ${s.low} do not contain open ${s.open} / close ${s.close} (kept as the source gave it)`,
      );
    }
    plan.append.push(s);
    prev = s;
  }
  return plan;
}

/**
 * Stops the appended days at the first trading day the answer lacks. Every SSE and SZSE index trades on the same
 * days, so a date another index has (in its answer or its file) after this file's last date, but this answer
 * does not, is a gap. Days after a gap are not appended: the file only ever grows at its end, so storing them
 * would make the gap permanent; the next update fetches them again once the source has the missing day.
 */
export function cutAtGap(plan: MergePlan, lastStored: string, reference: Map<string, string[]>): void {
  if (plan.append.length === 0) return;
  const have = new Set(plan.append.map((b) => b.date));
  const lastNew = plan.append.at(-1)!.date;
  const missing = [...reference.keys()].filter((d) => d > lastStored && d < lastNew && !have.has(d)).sort();
  if (missing.length === 0) return;
  const gap = missing[0];
  const cut = plan.append.filter((b) => b.date > gap);
  plan.append = plan.append.filter((b) => b.date < gap);
  plan.notes.push(
    `gap: ${gap} is missing from the answer but present for ${reference.get(gap)!.join(', ')}; ` +
      `stored up to the day before it, the rest waits for the next update`,
  );
  for (const b of cut)
    plan.skippedDays.push({ date: b.date, reason: `after the gap at ${gap}: not stored yet` });
}
