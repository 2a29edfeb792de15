import { describe, expect, it } from 'vitest';
import {
  deflatedSharpeOfTrials,
  deflatedSharpeRatio,
  expectedMaxSharpe,
} from '../../../src/main/training/eval/statistics/dsr';
import { normalCdf, normalQuantile } from '../../../src/main/training/eval/statistics/normal';
import {
  probabilisticSharpeRatio,
  psrOfReturns,
  returnMoments,
} from '../../../src/main/training/eval/statistics/psr';
import { REF } from './reference';

describe('normal distribution', () => {
  it('Φ and Φ⁻¹ at textbook values', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316301, 14);
    expect(normalQuantile(0.99)).toBeCloseTo(2.3263478740408408, 12);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 9);
    for (const p of [0.001, 0.2, 0.5, 0.7, 0.999]) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 13);
  });
});

describe('Deflated Sharpe Ratio (Bailey & López de Prado 2014)', () => {
  it("reproduces the paper's numerical example: N = 100, V = 1/2 annualised, T = 1250, γ3 = -3, γ4 = 10 -> DSR 0.9004", () => {
    const e = REF.dsrExample;
    // the paper: SR = 2.5 annualised over 250 days, V[SR_n] = 1/2 annualised -> 0.002 per day
    expect(e.sharpe).toBeCloseTo(2.5 / Math.sqrt(250), 15);
    const sr0 = expectedMaxSharpe(100, 0.5 / 250);
    expect(sr0).toBeCloseTo(e.sr0, 12); // 0.1132 in the paper
    expect(sr0).toBeCloseTo(0.1132, 4);
    const dsr = deflatedSharpeRatio(e.sharpe, 100, 0.5 / 250, 1250, -3, 10);
    expect(dsr).toBeCloseTo(e.dsr, 12);
    expect(dsr).toBeCloseTo(0.9004, 4);
  });

  it('a single trial is not deflated (SR0 = 0), more trials deflate more', () => {
    expect(expectedMaxSharpe(1, 0.01)).toBe(0);
    expect(expectedMaxSharpe(10, 0.01)).toBeLessThan(expectedMaxSharpe(1000, 0.01));
  });

  it('from trial series: the best trial is tested against the variance of all trials', () => {
    const a = [0.01, -0.005, 0.012, 0.003, -0.002, 0.008, 0.001, -0.004];
    const b = a.map((x) => x - 0.003);
    const c = a.map((x, i) => (i % 2 ? x : -x));
    const r = deflatedSharpeOfTrials([b, a, c]);
    expect(r.best).toBe(1);
    const srs = [b, a, c].map((x) => returnMoments(x).sharpe);
    const mean = srs.reduce((s, x) => s + x, 0) / 3;
    const v = srs.reduce((s, x) => s + (x - mean) ** 2, 0) / 2;
    expect(r.variance).toBeCloseTo(v, 15);
    const m = returnMoments(a);
    expect(r.dsr).toBeCloseTo(deflatedSharpeRatio(m.sharpe, 3, v, 8, m.skewness, m.kurtosis), 15);
  });
});

describe('Probabilistic Sharpe Ratio (Bailey & López de Prado 2012)', () => {
  it('moments and PSR of a fat-tailed series match numpy / scipy', () => {
    const p = REF.psr;
    const m = returnMoments(p.returns);
    expect(m.sharpe).toBeCloseTo(p.sharpe, 13);
    expect(m.skewness).toBeCloseTo(p.skewness, 11);
    expect(m.kurtosis).toBeCloseTo(p.kurtosis, 10);
    expect(psrOfReturns(p.returns)).toBeCloseTo(p.psr0, 12);
    expect(psrOfReturns(p.returns, 0.05)).toBeCloseTo(p.psr005, 12);
  });

  it('hand computation: SR 0.1, T 101, normal returns -> Φ(0.1 * 10 / sqrt(1 + 0.005))', () => {
    expect(probabilisticSharpeRatio(0.1, 0, 101, 0, 3)).toBeCloseTo(normalCdf(1 / Math.sqrt(1.005)), 14);
    // negative skew and fat tails widen the estimate's spread and pull PSR towards 1/2
    expect(probabilisticSharpeRatio(0.1, 0, 101, -2, 9)).toBeLessThan(
      probabilisticSharpeRatio(0.1, 0, 101, 0, 3),
    );
  });
});
