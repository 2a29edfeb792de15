/**
 * Readers of the report files, beside their writers: predictions.csv and folds.csv (the header must be exactly
 * the writer's English or Chinese columns; nothing else is guessed) and summary.json (validated). A file that
 * does not hold what the writers write is refused with its name, line and field.
 */
import { existsSync } from 'node:fs';
import Papa from 'papaparse';
import { z } from 'zod';
import { DataError } from '../../../shared/errors';
import { readStoredJson, readStoredText } from '../train/stored';
import { CLASS_LABELS, FOLD_COLUMNS, FOLD_COLUMNS_V1, PREDICTION_COLUMNS } from './csv';

/** One row of predictions.csv; null where the writer left the cell blank (not known yet, or not a number). */
export interface PredictionRecord {
  date: string;
  targetClose: number;
  pDown: number;
  pFlat: number;
  pUp: number;
  /** 0 down, 1 flat, 2 up. */
  predicted: number;
  forwardReturn: number | null;
  actual: number | null;
  correct: number | null;
  position: number | null;
  strategyEquity: number | null;
  buyHoldEquity: number | null;
}

export interface FoldCsvRecord {
  cell: string;
  seed: number;
  fold: number;
  testStart: string;
  testEnd: string;
  trainSamples: number;
  valSamples: number;
  testSamples: number;
  epochs: number;
  bestEpoch: number | null;
  stoppedEarly: boolean;
  seconds: number;
  backend: string;
  accuracy: number | null;
  cached: boolean;
  /** Null in a folds.csv written before the column existed. */
  balancedAccuracy: number | null;
}

/** The rows of a CSV the writers wrote, with the language its header is in. */
function readTable(
  file: string,
  columns: { en: readonly string[]; zh: readonly string[] },
  older: { en: readonly string[]; zh: readonly string[] }[] = [],
): { lang: 'en' | 'zh'; version: number; rows: { line: number; cells: string[] }[] } {
  const text = readStoredText(file);
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true });
  const [header, ...body] = parsed.data;
  const versions = [columns, ...older];
  let lang: 'en' | 'zh' | undefined;
  let version = -1;
  for (let v = 0; v < versions.length && !lang; v++) {
    lang = (['en', 'zh'] as const).find(
      (l) => header?.length === versions[v][l].length && header.every((h, i) => h === versions[v][l][i]),
    );
    if (lang) version = v;
  }
  if (!lang)
    throw new DataError(file, `the header is not the one this program writes (${columns.en.join(',')})`, {
      line: 1,
    });
  return {
    lang,
    version,
    rows: body.map((cells, k) => {
      if (cells.length !== header.length)
        throw new DataError(file, `expected ${header.length} columns, got ${cells.length}`, { line: k + 2 });
      return { line: k + 2, cells };
    }),
  };
}

function numberAt(
  file: string,
  line: number,
  field: string,
  s: string,
  blank: 'null' | 'refuse',
): number | null {
  if (s === '') {
    if (blank === 'null') return null;
    throw new DataError(file, 'is empty', { line, field });
  }
  const v = Number(s);
  if (!Number.isFinite(v)) throw new DataError(file, `'${s}' is not a number`, { line, field });
  return v;
}

/** predictions.csv of a study or of a training run's test block. */
export function readPredictionsCsv(file: string): PredictionRecord[] {
  const { lang, rows } = readTable(file, PREDICTION_COLUMNS);
  const names = PREDICTION_COLUMNS[lang];
  const classOf = (line: number, field: string, s: string, blank: boolean): number | null => {
    if (s === '' && blank) return null;
    const c = (CLASS_LABELS[lang] as readonly string[]).indexOf(s);
    if (c < 0)
      throw new DataError(file, `'${s}' is not one of ${CLASS_LABELS[lang].join(', ')}`, { line, field });
    return c;
  };
  return rows.map(({ line, cells }) => {
    const n = (i: number, blank: 'null' | 'refuse' = 'null') =>
      numberAt(file, line, names[i], cells[i], blank);
    return {
      date: cells[0],
      targetClose: n(1, 'refuse')!,
      pDown: n(2, 'refuse')!,
      pFlat: n(3, 'refuse')!,
      pUp: n(4, 'refuse')!,
      predicted: classOf(line, names[5], cells[5], false)!,
      forwardReturn: n(6),
      actual: classOf(line, names[7], cells[7], true),
      correct: n(8),
      position: n(9),
      strategyEquity: n(10),
      buyHoldEquity: n(11),
    };
  });
}

/** folds.csv of a study. */
export function readFoldsCsv(file: string): FoldCsvRecord[] {
  // version 1 = the folds.csv written before the balanced-accuracy column
  const { lang, rows } = readTable(file, FOLD_COLUMNS, [FOLD_COLUMNS_V1]);
  const names = FOLD_COLUMNS[lang];
  return rows.map(({ line, cells }) => {
    const n = (i: number, blank: 'null' | 'refuse' = 'refuse') =>
      numberAt(file, line, names[i], cells[i], blank);
    return {
      cell: cells[0],
      seed: n(1)!,
      fold: n(2)!,
      testStart: cells[3],
      testEnd: cells[4],
      trainSamples: n(5)!,
      valSamples: n(6)!,
      testSamples: n(7)!,
      epochs: n(8)!,
      bestEpoch: n(9, 'null'),
      stoppedEarly: cells[10] === '1',
      seconds: n(11)!,
      backend: cells[12],
      accuracy: n(13, 'null'),
      cached: cells[14] === '1',
      balancedAccuracy: cells.length > 15 ? n(15, 'null') : null,
    };
  });
}

// summary.json writes NaN and infinities as null
const num = z.number().nullable();
const metricsSchema = z.looseObject({
  n: z.number(),
  accuracy: num,
  balancedAccuracy: num,
  macroF1: num,
  logLoss: num,
});
const intervalSchema = z.looseObject({ estimate: num, lo: num, hi: num });
const statsSchema = z.record(z.string(), num);
const nums = z.array(z.number().nullable());
// the statistics (src/shared/study-statistics.ts): the fields the readers use are checked, the rest passes
const statisticsSchema = z.looseObject({
  level: z.number(),
  labeledRows: z.number(),
  blockLength: z.looseObject({ value: z.number(), rule: z.string(), horizonFloor: z.number() }),
  chance: z.looseObject({
    baselines: z.array(z.looseObject({ name: z.string(), pooled: num, foldMean: num })),
    best: z.looseObject({ name: z.string(), balancedAccuracy: num }),
  }),
  cells: z.array(
    z.looseObject({
      key: z.string(),
      balancedAccuracy: z.looseObject({ pooled: num, foldMean: num, interval: intervalSchema }),
      vsBestBaseline: z.looseObject({ baseline: z.string(), difference: intervalSchema, edge: z.boolean() }),
      reliability: z.looseObject({ bins: z.array(z.looseObject({ meanForecast: num, observed: num })) }),
      informationCoefficient: intervalSchema,
      topClassProbability: z.looseObject({ median: num, underfit: z.boolean() }),
    }),
  ),
  overfitting: z.looseObject({
    deflatedSharpe: z.looseObject({ dsr: num, trials: z.number() }).nullable(),
    pbo: z.looseObject({ value: z.number() }).nullable(),
    spa: z.looseObject({ pConsistent: z.number() }).nullable(),
  }),
  power: z.looseObject({ edge: num, note: z.string() }).nullable(),
  verdict: z.looseObject({ edgeDetected: z.boolean(), sentence: z.string() }),
});
const equitySchema = z.looseObject({
  dates: z.array(z.string()),
  segment: z.array(z.number()),
  segments: z.array(z.looseObject({ start: z.string(), end: z.string() })),
  buyHold: nums,
  series: z.array(z.looseObject({ name: z.string(), equity: nums })),
});
const importanceSchema = z.looseObject({
  method: z.string(),
  missing: z.array(z.string()),
  cells: z.array(
    z.looseObject({
      key: z.string(),
      groups: z.array(
        z.looseObject({
          name: z.string(),
          kind: z.enum(['channel', 'factor-family']),
          logLossIncrease: intervalSchema,
          balancedAccuracyDrop: intervalSchema,
        }),
      ),
    }),
  ),
});

/** The parts of summary.json (report/write.ts) that readers use; the rest passes through unchecked. */
export const studySummarySchema = z.looseObject({
  headline: z.string(),
  ablationSentence: z.string(),
  notes: z.array(z.string()),
  primary: z.string(),
  reference: z.string().optional(),
  backend: z.looseObject({ name: z.string() }).optional(),
  config: z.record(z.string(), z.unknown()),
  folds: z.array(z.looseObject({ index: z.number(), testStart: z.string(), testEnd: z.string() })),
  cells: z.array(
    z.looseObject({
      key: z.string(),
      channels: z.array(z.string()),
      layout: z.string(),
      metrics: metricsSchema,
      intervals: z.record(z.string(), intervalSchema),
      backtest: statsSchema,
    }),
  ),
  baselines: z.array(
    z.looseObject({
      /** Absent in a summary written before the baselines had ids. */
      id: z.string().optional(),
      name: z.string(),
      description: z.string(),
      metrics: metricsSchema,
      ci: z.record(z.string(), intervalSchema).optional(),
      stats: statsSchema.optional(),
    }),
  ),
  buyHold: statsSchema,
  ablation: z.array(
    z.looseObject({
      key: z.string(),
      channels: z.array(z.string()),
      diff: z.record(z.string(), intervalSchema),
      verdict: z.enum(['better', 'worse', 'no-difference']),
    }),
  ),
  // absent in a summary.json written before the statistics were wired in (version 1): the reader shows less
  statistics: statisticsSchema.optional(),
  equity: equitySchema.optional(),
  importance: importanceSchema.nullable().optional(),
  labelCheck: z
    .looseObject({
      note: z.string(),
      changed: z.number(),
      rows: z.number(),
      models: z.array(z.looseObject({})),
    })
    .nullable()
    .optional(),
  trials: z.looseObject({ total: z.number(), text: z.string() }).optional(),
  powerNote: z.string().optional(),
});
export type StudySummaryFile = z.infer<typeof studySummarySchema>;

/** Reads and validates a JSON file the program wrote (the engine's one stored-file reader, train/stored.ts). */
export const readValidatedJson = readStoredJson;

/** summary.json of a study folder, or undefined while the study has not finished. */
export function readStudySummary(file: string): StudySummaryFile | undefined {
  return existsSync(file) ? readValidatedJson(file, studySummarySchema) : undefined;
}
