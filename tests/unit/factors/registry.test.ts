/** Registry invariants, warm-up lengths on real data, documented neutral values for flat/zero-volume bars, CLI. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../../src/cli/commands/factors';
import type { Bars } from '../../../src/shared/domain';
import { DataError } from '../../../src/shared/errors';
import { computeFactors, FACTORS, factorNames } from '../../../src/main/training/factors/registry';
import { cloneBars, headBars, loadDailyBars } from './daily-bars';

const firstFinite = (x: Float64Array) => x.findIndex((v) => Number.isFinite(v));

describe('factor registry', () => {
  it('has at least 56 uniquely named, documented factors', () => {
    const names = factorNames();
    expect(names.length).toBeGreaterThanOrEqual(56);
    expect(new Set(names).size).toBe(names.length);
    for (const f of FACTORS) {
      expect(f.name).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(f.group.length).toBeGreaterThan(0);
      expect(f.description.length).toBeGreaterThan(5);
      expect(f.formula.length).toBeGreaterThan(5);
      expect(typeof f.params).toBe('object');
      for (const v of Object.values(f.params)) expect(Number.isFinite(v)).toBe(true);
      expect(Number.isInteger(f.warmup) && f.warmup >= 0).toBe(true);
    }
  });

  it('the column order is pinned: the exact ordered list of factor names (the image column order)', () => {
    // Written out by hand, not generated: a reordered, renamed or inserted factor moves image columns, so it
    // must show up here as a deliberate change. The first 56 are the core set (trend .. candle), then extras.
    // prettier-ignore
    const pinned = [
      'ma_dev_5', 'ma_dev_10', 'ma_dev_20', 'ma_dev_30', 'ma_dev_60', 'ema_dev_12', 'ema_dev_26', 'ma_cross_5_20',
      'macd_dif', 'macd_dea', 'macd_hist',
      'rsi_6', 'rsi_12', 'rsi_24', 'kdj_k', 'kdj_d', 'kdj_j', 'wr_14', 'cci_14', 'stoch_rsi_14', 'uo_7_14_28',
      'atr_14', 'natr_14', 'boll_pctb_20', 'boll_width_20', 'hl_range', 'rv_5', 'rv_20', 'skew_20', 'kurt_20',
      'roc_1', 'roc_5', 'roc_10', 'roc_20', 'mom_12', 'log_ret_1', 'bias_6', 'bias_12', 'bias_24', 'trix_12', 'dpo_20',
      'pdi_14', 'mdi_14', 'adx_14',
      'obv_chg_20', 'mfi_14', 'vol_ratio_5', 'vol_ratio_20', 'cmf_20', 'emv_14',
      'psy_12', 'ar_26', 'br_26', 'cr_26',
      'clv', 'gap',
      'aroon_up_25', 'aroon_down_25', 'amount_ratio_5', 'amount_ratio_20', 'vol_log_chg', 'body', 'upper_shadow',
      'lower_shadow',
    ];
    expect(factorNames()).toEqual(pinned);
    expect(pinned.slice(0, 56).at(-1)).toBe('gap');
    // The family files' groups follow the same order (extras mix groups after the core set).
    const groups = FACTORS.slice(0, 56).map((f) => f.group);
    expect([...new Set(groups)]).toEqual([
      'trend',
      'macd',
      'oscillator',
      'volatility',
      'momentum',
      'dmi',
      'volume',
      'sentiment',
      'candle',
    ]);
  });

  it('the first 56 factors (the dataset default) cover the indicator families the study asks for', () => {
    const names = new Set(factorNames().slice(0, 56));
    // extras come after them: amount ratios are a constant 1 on sources without amount
    expect(factorNames().indexOf('amount_ratio_5')).toBeGreaterThanOrEqual(56);
    for (const n of [
      'ma_dev_5',
      'ma_dev_60',
      'ema_dev_12',
      'ema_dev_26',
      'macd_dif',
      'macd_dea',
      'macd_hist',
      'rsi_6',
      'rsi_12',
      'rsi_24',
      'kdj_k',
      'kdj_d',
      'kdj_j',
      'wr_14',
      'cci_14',
      'atr_14',
      'natr_14',
      'boll_pctb_20',
      'boll_width_20',
      'roc_1',
      'roc_20',
      'mom_12',
      'bias_6',
      'bias_24',
      'pdi_14',
      'mdi_14',
      'adx_14',
      'trix_12',
      'obv_chg_20',
      'mfi_14',
      'vol_ratio_5',
      'vol_ratio_20',
      'psy_12',
      'ar_26',
      'br_26',
      'cr_26',
      'emv_14',
      'dpo_20',
    ]) {
      expect(names.has(n), n).toBe(true);
    }
  });

  it.each(['000300', '000001', '000905', '399006'])(
    'first finite value is at the documented warm-up, then finite throughout (%s)',
    (code) => {
      const b = loadDailyBars(code);
      const out = computeFactors(b);
      FACTORS.forEach((f, i) => {
        const x = out[i];
        expect(x.length).toBe(b.close.length);
        expect(firstFinite(x), f.name).toBe(f.warmup);
        let bad = 0;
        for (let t = f.warmup; t < x.length; t++) if (!Number.isFinite(x[t])) bad++;
        expect(bad, f.name).toBe(0);
      });
    },
  );

  it.each([0, 1, 10, 30])(
    'a series of %i bars (shorter than many warm-ups) gives NaN until each warm-up, no throw',
    (len) => {
      const out = computeFactors(headBars(loadDailyBars(), len));
      FACTORS.forEach((f, i) => {
        expect(out[i].length).toBe(len);
        const first = firstFinite(out[i]);
        expect(first === -1 ? len <= f.warmup : first === f.warmup, f.name).toBe(true);
      });
    },
  );

  it('compute(b) of one factor equals its column of computeFactors (shared series do not leak)', () => {
    const b = headBars(loadDailyBars(), 400);
    const all = computeFactors(b);
    FACTORS.forEach((f, i) => expect(Array.from(f.compute(b)), f.name).toEqual(Array.from(all[i])));
  });

  it('computeFactors(b, names) returns the named factors in the order of names; unknown names throw', () => {
    const b = headBars(loadDailyBars(), 200);
    const all = computeFactors(b);
    const sub = computeFactors(b, ['rsi_6', 'ma_dev_5']);
    expect(sub.length).toBe(2);
    expect(Array.from(sub[0])).toEqual(Array.from(all[factorNames().indexOf('rsi_6')]));
    expect(Array.from(sub[1])).toEqual(Array.from(all[factorNames().indexOf('ma_dev_5')]));
    expect(() => computeFactors(b, ['rsi_7'])).toThrow(/Unknown factor 'rsi_7'/);
  });

  it('refuses non-finite or ragged bars with a DataError naming the field', () => {
    const b = cloneBars(headBars(loadDailyBars(), 50));
    b.close[10] = NaN;
    expect(() => computeFactors(b)).toThrow(DataError);
    expect(() => computeFactors(b)).toThrow(/close at bar 10 \(2005-01-18\)/);
    const c = cloneBars(headBars(loadDailyBars(), 50));
    c.volume = c.volume.slice(0, 49);
    expect(() => computeFactors(c)).toThrow(/column 'volume' has 49 values/);
  });
});

describe('flat bars and zero volume/amount give documented neutral values, never Infinity', () => {
  // 80 bars of real data, then 60 bars frozen at the last close with H = L = O = C; amount 0 everywhere
  // (as in the TongDaXin 1-minute export); volume 0 on the frozen bars.
  const real = headBars(loadDailyBars(), 80);
  const n = 140;
  const last = real.close[79];
  const ext = (x: Float64Array, fill: number) =>
    Float64Array.from({ length: n }, (_, t) => (t < 80 ? x[t] : fill));
  const flat: Bars = {
    ...real,
    time: Array.from({ length: n }, (_, t) => `bar${t}`),
    date: Array.from({ length: n }, (_, t) => `bar${t}`),
    open: ext(real.open, last),
    high: ext(real.high, last),
    low: ext(real.low, last),
    close: ext(real.close, last),
    volume: ext(real.volume, 0),
    amount: new Float64Array(n),
  };
  const out = new Map(factorNames().map((name, i) => [name, computeFactors(flat)[i]]));

  it('every factor is finite after its warm-up', () => {
    for (const f of FACTORS) {
      const x = out.get(f.name)!;
      for (let t = f.warmup; t < n; t++) expect(Number.isFinite(x[t]), `${f.name} at ${t}`).toBe(true);
    }
  });

  it('the last bar (60 flat, volume-free bars, longer than every finite window) has the neutral values', () => {
    // Wilder/EMA-smoothed factors (RSI, DMI, ATR, MACD, TRIX) have infinite memory: over a flat stretch RSI and ±DI keep
    // their last ratio and ATR decays geometrically, so they are checked on an all-flat series below instead.
    const at = (name: string) => out.get(name)![n - 1];
    const expected: Record<string, number> = {
      wr_14: -50,
      cci_14: 0,
      stoch_rsi_14: 50,
      uo_7_14_28: 50,
      boll_pctb_20: 0.5,
      boll_width_20: 0,
      hl_range: 0,
      clv: 0,
      body: 0,
      upper_shadow: 0,
      lower_shadow: 0,
      gap: 0,
      roc_1: 0,
      roc_20: 0,
      mom_12: 0,
      log_ret_1: 0,
      ma_dev_5: 0,
      bias_24: 0,
      rv_5: 0,
      rv_20: 0,
      skew_20: 0,
      kurt_20: 0,
      psy_12: 0,
      ar_26: 100,
      br_26: 100,
      cr_26: 100,
      obv_chg_20: 0,
      mfi_14: 50,
      vol_ratio_5: 1,
      vol_ratio_20: 1,
      amount_ratio_5: 1,
      amount_ratio_20: 1,
      vol_log_chg: 0,
      cmf_20: 0,
      emv_14: 0,
      dpo_20: 0,
    };
    for (const [name, v] of Object.entries(expected)) expect(at(name), name).toBeCloseTo(v, 9);
    // KDJ's SMA(x,3,1) forgets geometrically (D, a double smoothing, as ~t·(2/3)^t): after 60 bars < 1e-5 is left
    for (const name of ['kdj_k', 'kdj_d', 'kdj_j']) expect(at(name), name).toBeCloseTo(50, 4);
  });

  it('an all-flat, volume-free series gives neutral values everywhere after the warm-up', () => {
    const m = 120;
    const c = Float64Array.from({ length: m }, () => 3000);
    const bars: Bars = {
      ...flat,
      time: flat.time.slice(0, m),
      date: flat.date.slice(0, m),
      open: c,
      high: c,
      low: c,
      close: c,
      volume: new Float64Array(m),
      amount: new Float64Array(m),
    };
    const all = computeFactors(bars);
    const neutral: Record<string, number> = {
      rsi_6: 50,
      rsi_24: 50,
      stoch_rsi_14: 50,
      pdi_14: 0,
      mdi_14: 0,
      adx_14: 0,
      atr_14: 0,
      natr_14: 0,
      macd_dif: 0,
      macd_dea: 0,
      macd_hist: 0,
      trix_12: 0,
      kdj_k: 50,
      kdj_j: 50,
      mfi_14: 50,
      vol_ratio_20: 1,
      ar_26: 100,
      aroon_up_25: 100,
    };
    FACTORS.forEach((f, i) => {
      for (let t = f.warmup; t < m; t++) expect(Number.isFinite(all[i][t]), `${f.name} at ${t}`).toBe(true);
      if (f.name in neutral) expect(all[i][m - 1], f.name).toBe(neutral[f.name]);
    });
  });

  it('amount ratios are a constant 1 when the source has no amount, also over real price moves', () => {
    const x = out.get('amount_ratio_20')!;
    for (let t = 19; t < n; t++) expect(x[t]).toBe(1);
  });
});

describe('factor-inception factors', () => {
  afterEach(() => vi.restoreAllMocks());

  it('--json prints the registry', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((s: string) => void lines.push(s));
    expect(await run(['--json'])).toBe(0);
    const rows = JSON.parse(lines.join('\n')) as {
      name: string;
      warmup: number;
      formula: string;
      params: object;
      group: string;
    }[];
    expect(rows.map((r) => r.name)).toEqual(factorNames());
    expect(rows.find((r) => r.name === 'adx_14')).toMatchObject({
      group: 'dmi',
      warmup: 27,
      params: { period: 14 },
    });
  });

  it('prints a table with one line per factor', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((s: string) => void lines.push(s));
    expect(await run([])).toBe(0);
    expect(lines.length).toBe(FACTORS.length + 2);
    expect(lines.find((l) => l.startsWith('kdj_k '))).toMatch(/oscillator\s+n=9,m1=3,m2=3\s+8\s+RSV/);
  });

  it('rejects unknown flags', async () => {
    await expect(run(['--bogus'])).rejects.toThrow(/bogus/);
  });
});
