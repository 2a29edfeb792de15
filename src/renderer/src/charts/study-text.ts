/**
 * The Results view's words about a study, in the UI's language: the summary paragraph built from the statistics'
 * numbers (never the engine's English sentence), and the names of the baselines and factor families. Pure: the
 * translate function is passed in.
 */
import type { StudyResultsDto } from '../../../shared/ipc-contract';
import type { BaselineSummary, ImportanceGroupDto } from '../../../shared/study-summary';
import { pct } from './format';

type T = (key: string, values?: Record<string, unknown>) => string;
type Te = (key: string) => boolean;

const p1 = (x: number | null | undefined) => pct(x ?? NaN, 1, false);
const f2 = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(2);

/** A baseline's name in the UI's language (its id and parameters), or its name as written when unknown. */
export function baselineName(b: Pick<BaselineSummary, 'id' | 'name' | 'params'>, t: T, te: Te): string {
  const key = `studyResults.names.${b.id}`;
  return b.id && te(key) ? t(key, b.params ?? {}) : b.name;
}

/** The name of an importance group: index codes as they are, factor families translated. */
export function groupName(g: Pick<ImportanceGroupDto, 'name' | 'kind'>, t: T, te: Te): string {
  const key = `studyResults.families.${g.name}`;
  return g.kind === 'factor-family' && te(key) ? t(key) : g.name;
}

/** The summary paragraph of a study: chance and the best baseline, the verdict, power, underfitting, the strategy. */
export function studyParagraph(s: StudyResultsDto, t: T, te: Te): string {
  const st = s.statistics;
  if (!st) return t('studyResults.oldSummary');
  const cell = st.cells.find((c) => c.key === s.primary) ?? st.cells[0];
  const primary = s.cells.find((c) => c.key === cell.key);
  const best = st.chance.best;
  const bestBaseline = s.baselines.find((b) => b.name === best.name);
  const pooled = (name: string) => st.chance.baselines.find((b) => b.name === name)?.pooled;
  const level = `${Math.round(st.level * 100)} %`;
  const parts = [
    t('studyResults.summary', {
      from: s.setup.firstDate,
      to: s.setup.lastDate,
      days: st.labeledRows,
      folds: s.setup.folds,
      seeds: s.setup.seeds,
      channels: (primary?.channels ?? [cell.key]).join('+'),
      ba: p1(cell.balancedAccuracy.pooled),
      level,
      lo: p1(cell.balancedAccuracy.interval.lo),
      hi: p1(cell.balancedAccuracy.interval.hi),
      foldMean: p1(cell.balancedAccuracy.foldMean),
      best: p1(best.balancedAccuracy),
      bestName: bestBaseline ? baselineName(bestBaseline, t, te) : best.name,
      majority: p1(pooled('majority')),
      random: p1(pooled('random')),
    }),
    st.verdict.edgeDetected
      ? t('studyResults.edge', {
          cells: st.verdict.cells.join(', '),
          n: st.cells.length,
          alpha: st.cellFamily.alpha,
        })
      : t('studyResults.noEdge', {
          n: st.cells.length,
          alpha: st.cellFamily.alpha,
          level,
          block: st.blockLength.value,
        }),
    st.power
      ? st.power.edge === null
        ? t('studyResults.powerNone')
        : t('studyResults.power', { edge: (st.power.edge * 100).toFixed(1) })
      : t('studyResults.powerMissing'),
  ];
  if (st.verdict.underfit.length)
    parts.push(
      t('studyResults.underfit', {
        cells: st.verdict.underfit.join(', '),
        threshold: cell.topClassProbability.threshold,
      }),
    );
  if (primary)
    parts.push(
      t('studyResults.strategy', {
        hold: s.setup.holdDays,
        bps: s.setup.costBps,
        cash: pct(s.setup.cashRatePerYear, 1, false),
        ret: p1(primary.backtest.annualReturn),
        sharpe: f2(primary.backtest.sharpe),
        dd: p1(primary.backtest.maxDrawdown),
        bhRet: p1(s.buyHold.annualReturn),
        bhSharpe: f2(s.buyHold.sharpe),
        bhDd: p1(s.buyHold.maxDrawdown),
        days: s.buyHold.days,
      }),
    );
  return parts.join(' ');
}

type Statistics = NonNullable<StudyResultsDto['statistics']>;

/** How the block length was chosen, from its numbers: fixed by the config, or max(H, Politis–White), maybe capped. */
export function blockRuleText(b: Statistics['blockLength'], t: T): string {
  if (b.fromConfig) return t('studyResults.rules.blockConfig', { value: b.value });
  const lengths = b.perSeries.map((p) => p.circular).filter((x): x is number => x !== null);
  const pw = lengths.length ? Math.ceil(Math.max(...lengths)) : 0;
  const rule = t('studyResults.rules.block', { h: b.horizonFloor, pw });
  return b.value < Math.max(b.horizonFloor, pw)
    ? `${rule}${t('studyResults.rules.blockCapped', { value: b.value })}`
    : rule;
}

/** The test family of the verdicts (every cell against the best baseline) or of the ablation comparisons. */
export function familyText(st: Statistics, which: 'cells' | 'ablation', t: T): string {
  if (which === 'cells')
    return t('studyResults.rules.familyCells', {
      n: st.cellFamily.members.length,
      alpha: st.cellFamily.alpha,
    });
  const a = st.ablation;
  if (!a) return '';
  // a bar-size or model study: each cell against its own reference
  if (a.comparisons.some((c) => c.reference !== undefined))
    return t('studyResults.rules.familyPairs', { n: a.comparisons.length, alpha: a.alpha });
  return t('studyResults.rules.familyAblation', {
    n: a.members.length,
    reference: a.reference,
    alpha: a.alpha,
  });
}

/** What the deflated Sharpe ratio counts as trials. */
export function trialsText(trials: NonNullable<StudyResultsDto['trials']>, t: T): string {
  return t(trials.prior ? 'studyResults.rules.trialsPrior' : 'studyResults.rules.trials', trials);
}

/** A baseline's description in the UI's language from its numbers, or the engine's English when unknown. */
export function baselineDescription(
  b: Pick<BaselineSummary, 'id' | 'description' | 'descriptionParams'>,
  t: T,
  te: Te,
): { text: string; translated: boolean } {
  const key = `studyResults.descriptions.${b.id}`;
  if (!b.id || !te(key) || (b.id !== 'majority' && b.id !== 'random' && !b.descriptionParams))
    return { text: b.description, translated: false };
  const params = b.descriptionParams ?? {};
  const text = t(key, params);
  return {
    text: 'channels' in params ? `${text}${t('studyResults.descriptions.features', params)}` : text,
    translated: true,
  };
}

/** Why some cells have no importance: folds read from the cache whose models were not kept. */
export function importanceMissingText(
  imp: NonNullable<StudyResultsDto['importance']>,
  t: T,
): { text: string; translated: boolean } {
  if (!imp.missingFolds) return { text: imp.missing.join(' '), translated: false };
  const text = imp.missingFolds
    .map((m) =>
      t('studyResults.rules.importanceMissing', {
        key: m.key,
        n: m.folds.length,
        folds:
          m.folds
            .slice(0, 4)
            .map((f) => t('studyResults.rules.seedFold', f))
            .join(', ') + (m.folds.length > 4 ? ', …' : ''),
      }),
    )
    .join(' ');
  return { text, translated: true };
}
