import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/index';
import { divergingColor } from '../../../src/main/training/images/png';
import { loadDataset } from '../../../src/main/training/images/dataset';
import { dailyDir } from '../../helpers/data';
import { readDailyCsv } from '../../helpers/csv';

async function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = (s: string) => out.push(s);
  console.error = (s: string) => err.push(s);
  try {
    return { code: await main(argv), out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

describe('dataset and image commands', () => {
  it('dataset --json reports samples, shape, classes and dates consistent with the close column', async () => {
    const r = await capture([
      'dataset',
      '--data',
      dailyDir(),
      '--target',
      '000300',
      '--channels',
      '000300,000001,000905,399006',
      '--horizon',
      '14',
      '--up',
      '0.025',
      '--down',
      '-0.01',
      '--from',
      '2012-01-01',
      '--to',
      '2022-12-30',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.imageShape).toEqual([56, 56, 4]);
    expect(j.firstDate).toBe('2012-01-04');
    expect(j.lastDate).toBe('2022-12-30');
    // every date in range is a sample (warm-up ended in 2011) and all have labels (data runs to 2023)
    const csv = readDailyCsv(path.join(dailyDir(), '000300.csv'));
    const inRange = csv.date
      .map((d, i) => [d, i] as const)
      .filter(([d]) => d >= '2012-01-01' && d <= '2022-12-30');
    expect(j.samples).toBe(inRange.length);
    const want = { down: 0, flat: 0, up: 0 };
    for (const [, i] of inRange) {
      const ret = csv.close[i + 14] / csv.close[i] - 1;
      if (ret > 0.025) want.up++;
      else if (ret < -0.01) want.down++;
      else want.flat++;
    }
    expect(j.classes).toEqual(want);
    expect(j.unlabeled).toBe(0);
  });

  it('image writes a PNG whose pixels are the z-scores of that date', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fi-img-'));
    const out = path.join(dir, 'img.png');
    const r = await capture([
      'image',
      '--data',
      dailyDir(),
      '--date',
      '2020-03-23',
      '--channel',
      '000300',
      '--scale',
      '2',
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    const png = PNG.sync.read(readFileSync(out));
    expect([png.width, png.height]).toEqual([112, 112]);
    const { dataset } = loadDataset(
      { target: '000300', channels: ['000300'], from: '2020-03-23', to: '2020-03-23' },
      dailyDir(),
    );
    const img = new Float32Array(56 * 56);
    dataset.fillImage(0, img);
    for (const [row, col] of [
      [0, 0],
      [55, 10],
      [30, 41],
    ]) {
      const o = (row * 2 * 112 + col * 2) * 4;
      expect([png.data[o], png.data[o + 1], png.data[o + 2]]).toEqual(divergingColor(img[row * 56 + col], 4));
    }
    expect(divergingColor(0, 4)).toEqual([255, 255, 255]);
    expect(divergingColor(4, 4)).toEqual([178, 24, 43]);
    expect(divergingColor(-9, 4)).toEqual([33, 102, 172]);
  });

  it('image names the reason when a date has no image', async () => {
    const r = await capture([
      'image',
      '--data',
      dailyDir(),
      '--date',
      '2005-01-10',
      '--out',
      '/tmp/never.png',
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no factor image for 2005-01-10: fewer than lookbackDays days of history/);
  });
});
