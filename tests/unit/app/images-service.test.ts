/**
 * The factor image of a date with the samples around it (images.get's `around`): the window caches them, so a
 * step of the date slider needs no request. On the real CSI 300 file.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_DATASET } from '../../../src/shared/domain';
import { factorImage } from '../../../src/main/services/images-service';
import { dailyDir } from '../../helpers/data';

const ds = { ...DEFAULT_DATASET, channels: ['000300'] };

describe('factor image with its neighbours', () => {
  it('sends the images of the samples on each side, each equal to the image asked for by itself', () => {
    const one = factorImage(dailyDir(), ds, '2019-04-18');
    expect(one.neighbours).toBeUndefined();
    const all = one.dates!;
    const i = all.indexOf('2019-04-18');
    expect(one.sampleIndex).toBe(i);
    const res = factorImage(dailyDir(), ds, '2019-04-18', false, 2);
    expect(res.dates).toBeUndefined();
    expect(res.neighbours!.map((n) => n.date)).toEqual([all[i + 1], all[i - 1], all[i + 2], all[i - 2]]);
    for (const n of res.neighbours!) {
      const alone = factorImage(dailyDir(), ds, n.date, false);
      expect(n).toEqual(alone);
      expect(n.neighbours).toBeUndefined();
    }
    const { neighbours, ...image } = res;
    expect(neighbours).toHaveLength(4);
    expect(image).toEqual(factorImage(dailyDir(), ds, '2019-04-18', false));
  });

  it('stops at the ends of the sample dates', () => {
    const last = factorImage(dailyDir(), ds, undefined, true, 2);
    expect(last.sampleIndex).toBe(last.sampleCount - 1);
    expect(last.neighbours!.map((n) => n.sampleIndex)).toEqual([last.sampleIndex - 1, last.sampleIndex - 2]);
    const first = factorImage(dailyDir(), ds, last.dates![0], false, 1);
    expect(first.neighbours!.map((n) => n.sampleIndex)).toEqual([1]);
  });
});
