/**
 * The Results view's statistics sentences worded from their numbers (renderer charts/study-text.ts): in English they
 * say exactly what the engine's own sentence says, in Chinese they say it in Chinese; the baseline descriptions are
 * the engine's, rebuilt from the numbers each baseline reports.
 */
import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import {
  baselineDescription,
  blockRuleText,
  familyText,
  importanceMissingText,
  trialsText,
} from '../../../src/renderer/src/charts/study-text';
import { en } from '../../../src/renderer/src/i18n/en';
import { zh } from '../../../src/renderer/src/i18n/zh';
import {
  gbdtBaseline,
  logisticBaseline,
  momentumBaseline,
  trendBaseline,
} from '../../../src/main/training/eval/fold-baselines';
import { chooseBlockLength } from '../../../src/main/training/eval/statistics/politis-white';
import { mulberry32 } from '../../../src/main/training/random';
import type { StudyResultsDto } from '../../../src/shared/ipc-contract';

type Stats = NonNullable<StudyResultsDto['statistics']>;

function translator(locale: 'en' | 'zh') {
  const i18n = createI18n({ legacy: false, locale, fallbackLocale: 'en', messages: { en, zh } });
  const g = i18n.global as unknown as {
    t: (k: string, v?: Record<string, unknown>) => string;
    te: (k: string) => boolean;
  };
  return { t: (k: string, v?: Record<string, unknown>) => g.t(k, v ?? {}), te: (k: string) => g.te(k) };
}
const EN = translator('en');
const ZH = translator('zh');

/** Latin-letter words of a Chinese sentence other than proper names, symbols and identifiers. */
function englishLeft(text: string): string[] {
  const allowed = new Set(['Holm', 'Romano', 'Wolf', 'Politis', 'White', 'H', 'L2', 't', 'n']);
  return text
    .split(/[\s，。；：、（）()]+/u)
    .filter((tok) => !/[\d_.]/.test(tok))
    .flatMap((tok) => tok.match(/[A-Za-z]+/g) ?? [])
    .filter((w) => !allowed.has(w));
}

/** An AR(1) series: its Politis–White length grows with phi. */
function ar1(n: number, phi: number, seed: number): Float64Array {
  const r = mulberry32(seed);
  const x = new Float64Array(n);
  for (let i = 1; i < n; i++) x[i] = phi * x[i - 1] + (r() - 0.5);
  return x;
}

const blockDto = (c: ReturnType<typeof chooseBlockLength>): Stats['blockLength'] => ({
  value: c.blockLength,
  horizonFloor: c.horizonFloor,
  fromConfig: false,
  perSeries: c.perSeries.map((p) => ({ name: p.name, circular: p.circular, stationary: p.stationary })),
  rule: c.rule,
});

describe('block-length rule from its numbers', () => {
  it("says in English exactly the engine's rule, uncapped and capped at n/2", () => {
    const series = [
      { name: 'a', values: ar1(600, 0.9, 1) },
      { name: 'b', values: ar1(600, 0.3, 2) },
    ];
    const loose = chooseBlockLength(series, 5);
    expect(loose.rule).toMatch(/Politis–White length \d+\)\)$/);
    expect(blockRuleText(blockDto(loose), EN.t)).toBe(loose.rule);
    // a short series: the chosen length is capped at n/2, and the sentence says so
    const short = chooseBlockLength([{ name: 'c', values: ar1(40, 0.95, 3) }], 30);
    expect(short.blockLength).toBe(20);
    expect(short.rule).toContain('capped at n/2 = 20');
    expect(blockRuleText(blockDto(short), EN.t)).toBe(short.rule);
  });

  it('says it in Chinese, and a block length fixed by the config as such', () => {
    const dto: Stats['blockLength'] = {
      value: 25,
      horizonFloor: 14,
      fromConfig: false,
      perSeries: [
        { name: 'x', circular: 24.2, stationary: 30 },
        { name: 'y', circular: null, stationary: null },
      ],
      rule: '',
    };
    expect(blockRuleText(dto, EN.t)).toBe('max(H = 14, ceil(max circular Politis–White length 25))');
    const zhRule = blockRuleText(dto, ZH.t);
    expect(zhRule).toContain('H = 14');
    expect(zhRule).toContain('25');
    expect(englishLeft(zhRule)).toEqual([]);
    expect(blockRuleText({ ...dto, fromConfig: true, value: 30 }, EN.t)).toBe('fixed by the config (30)');
    expect(blockRuleText({ ...dto, fromConfig: true, value: 30 }, ZH.t)).toBe('由配置固定（30）');
  });
});

describe('test families and trials from their numbers', () => {
  const st = {
    cellFamily: { members: ['a', 'b', 'c'], alpha: 0.05, adjustment: '' },
    ablation: {
      reference: '000300_time-factor',
      members: ['x', 'y'],
      alpha: 0.1,
      adjustment: '',
      comparisons: [],
    },
  } as unknown as Stats;

  it('names the family size, its sidedness and alpha', () => {
    expect(familyText(st, 'cells', EN.t)).toBe(
      'Family: Holm (verdicts) and Romano–Wolf step-down, one-sided, over the 3 cell(s) against the best baseline, α = 0.05.',
    );
    expect(familyText(st, 'ablation', EN.t)).toBe(
      'Ablation: Holm (verdicts) and Romano–Wolf step-down, two-sided, over the 2 comparison(s) with 000300_time-factor, α = 0.1.',
    );
    const zc = familyText(st, 'cells', ZH.t);
    expect(zc).toContain('单侧');
    expect(zc).toContain('3 个单元');
    expect(zc).toContain('α = 0.05');
    const za = familyText(st, 'ablation', ZH.t);
    expect(za).toContain('双侧');
    expect(za).toContain('000300_time-factor');
    expect([...englishLeft(zc), ...englishLeft(za)]).toEqual([]);
    expect(familyText({ ...st, ablation: null }, 'ablation', EN.t)).toBe('');
    // a bar-size or model study: each comparison names its own reference
    const paired = {
      ...st,
      ablation: { ...st.ablation!, comparisons: [{ key: 'a_15min', reference: 'a_daily' }] },
    } as unknown as Stats;
    expect(familyText(paired, 'ablation', EN.t)).toBe(
      'Ablation: Holm (verdicts) and Romano–Wolf step-down, two-sided, over the 1 paired comparison(s), each cell with its reference cell, α = 0.1.',
    );
    expect(englishLeft(familyText(paired, 'ablation', ZH.t))).toEqual([]);
  });

  it('counts the trials with and without the ones stated before the study', () => {
    const none = { total: 11, cells: 5, baselines: 6, prior: 0, text: '' };
    expect(trialsText(none, EN.t)).toBe(
      'Trials: 11, that is 5 CNN cell(s) and 6 backtested baseline(s) of this study (statistics.priorTrials: none stated before it).',
    );
    const prior = { total: 31, cells: 5, baselines: 6, prior: 20, text: '' };
    expect(trialsText(prior, EN.t)).toContain('and 20 configuration(s) tried before it');
    const z = trialsText(prior, ZH.t);
    expect(z).toContain('31');
    expect(z).toContain('20 个配置');
    expect(englishLeft(z)).toEqual([]);
  });
});

describe('baseline descriptions from their numbers', () => {
  const cases = [
    ['momentum', momentumBaseline([14, 60])],
    ['trend', trendBaseline(200)],
    ['logistic', logisticBaseline()],
    ['gbdt', gbdtBaseline({ numLeaves: 7, learningRate: 0.1 })],
  ] as const;

  it.each(cases)("%s: the English is the engine's description, the Chinese has its numbers", (id, fb) => {
    const b = { id, description: fb.description, descriptionParams: fb.descriptionParams };
    expect(baselineDescription(b, EN.t, EN.te)).toEqual({ text: fb.description, translated: true });
    const z = baselineDescription(b, ZH.t, ZH.te);
    expect(z.translated).toBe(true);
    expect(englishLeft(z.text)).toEqual([]);
    for (const v of Object.values(fb.descriptionParams ?? {})) expect(z.text).toContain(String(v));
  });

  it('adds the feature channels and seed of a tabular baseline; an unknown or old baseline keeps its English', () => {
    const fb = gbdtBaseline();
    const b = {
      id: 'gbdt',
      description: `${fb.description}; features of 000300+000001 (seed 1)`,
      descriptionParams: { ...fb.descriptionParams, channels: '000300+000001', seed: 1 },
    };
    expect(baselineDescription(b, EN.t, EN.te).text).toBe(b.description);
    expect(baselineDescription(b, ZH.t, ZH.te).text).toMatch(/；特征取自 000300\+000001（种子 1）$/);
    expect(baselineDescription({ id: 'custom', description: 'my rule' }, ZH.t, ZH.te)).toEqual({
      text: 'my rule',
      translated: false,
    });
    // a summary written before descriptions had numbers: the engine's sentence, marked untranslated
    expect(baselineDescription({ id: 'gbdt', description: fb.description }, ZH.t, ZH.te).translated).toBe(
      false,
    );
    expect(baselineDescription({ id: 'majority', description: 'x' }, ZH.t, ZH.te)).toEqual({
      text: '训练折中出现最多的类别',
      translated: true,
    });
  });
});

describe('importance gaps from their numbers', () => {
  it('names the cell, the count and the first folds', () => {
    const imp = {
      method: '',
      cells: [],
      missing: ['engine sentence'],
      missingFolds: [{ key: 'k_1', folds: [1, 2, 3, 4, 5].map((f) => ({ seed: 1, fold: f })) }],
    };
    const e = importanceMissingText(imp, EN.t);
    expect(e.text).toContain('k_1: no importance scores for 5 cached fold(s) (seed 1 fold 1, seed 1 fold 2');
    expect(e.text).not.toContain('fold 5');
    const z = importanceMissingText(imp, ZH.t);
    expect(z.text).toContain('k_1：5 个读自缓存的折');
    expect(englishLeft(z.text)).toEqual([]);
    expect(importanceMissingText({ ...imp, missingFolds: undefined }, ZH.t)).toEqual({
      text: 'engine sentence',
      translated: false,
    });
  });
});
