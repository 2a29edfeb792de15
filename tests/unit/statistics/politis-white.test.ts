import { describe, expect, it } from 'vitest';
import {
  chooseBlockLength,
  optimalBlockLength,
} from '../../../src/main/training/eval/statistics/politis-white';
import { REF } from './reference';

describe('Politis–White (2004) block length with the Patton–Politis–White (2009) correction', () => {
  it.each(REF.politisWhite.map((p) => [p.name, p] as const))(
    'matches arch.bootstrap.optimal_block_length on %s',
    (_name, p) => {
      const b = optimalBlockLength(p.x);
      expect(b.circular).toBeCloseTo(p.archCircular, 9);
      expect(b.stationary).toBeCloseTo(p.archStationary, 9);
    },
  );

  it('grows with the dependence: iid < AR(0.5) < AR(0.8) < a 14-day overlapping sum', () => {
    const byName = Object.fromEntries(
      REF.politisWhite.map((p) => [p.name, optimalBlockLength(p.x).circular]),
    );
    expect(byName.iid_n250).toBeLessThan(2);
    expect(byName.iid_n250).toBeLessThan(byName['ar1_phi0.5_n400']);
    expect(byName['ar1_phi0.5_n400']).toBeLessThan(byName['ar1_phi0.8_n600']);
    expect(byName['ar1_phi0.8_n600']).toBeLessThan(byName.ma_overlap14_n500);
  });

  it('the study length is max(H, ceil(largest circular length)), and H is the floor', () => {
    const iid = REF.politisWhite.find((p) => p.name === 'iid_n250')!;
    const ma = REF.politisWhite.find((p) => p.name === 'ma_overlap14_n500')!;
    expect(chooseBlockLength([{ name: 'iid', values: iid.x }], 14).blockLength).toBe(14);
    const c = chooseBlockLength(
      [
        { name: 'iid', values: iid.x },
        { name: 'ma', values: ma.x },
      ],
      14,
    );
    expect(c.blockLength).toBe(Math.ceil(ma.archCircular)); // 28.5 -> 29
    expect(c.perSeries.map((s) => s.name)).toEqual(['iid', 'ma']);
  });

  it('refuses a series too short to estimate', () => {
    expect(() => optimalBlockLength([1, 2, 3])).toThrow(/at least 8/);
  });
});
