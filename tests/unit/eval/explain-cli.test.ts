/** factor-inception explain on a real (tiny) run: the PNG, the JSON matrix, and agreement with the pure function. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as explain } from '../../../src/cli/commands/explain';
import { factorNames } from '../../../src/main/training/factors/registry';
import { occlusionSaliency } from '../../../src/main/training/eval/saliency';
import { loadDataset } from '../../../src/main/training/images/dataset';
import { selectBackend, type BackendInfo } from '../../../src/main/training/train/backend';
import { parseRunConfig } from '../../../src/main/training/train/config';
import { modelPredictor } from '../../../src/main/training/train/image-predictor';
import { executeRun, prepareRun } from '../../../src/main/training/train/run-job';
import { loadRunModel } from '../../../src/main/training/train/model-io';
import { dailyDir } from '../../helpers/data';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fi-explain-'));
let backend: BackendInfo;
let runDir: string;
const config = parseRunConfig(
  {
    dataset: {
      channels: ['000300', '000905'],
      from: '2018-01-02',
      to: '2018-12-28',
      lookbackDays: 12,
      normWindowDays: 20,
      factors: factorNames().slice(0, 8),
    },
    model: { preset: 'cnn', width: 0.125, dropout: 0 },
    train: { epochs: 1, batchSize: 32, backend: 'cpu', seed: 3, earlyStoppingPatience: 0 },
  },
  'test config',
);

beforeAll(async () => {
  backend = await selectBackend('cpu');
  runDir = prepareRun(tmp, 'tiny', config, dailyDir(), backend);
  await executeRun(runDir, { backend });
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('explain command', () => {
  it('writes the image beside its saliency and prints the matrix the pure function returns', async () => {
    const out = path.join(tmp, 'explain', 'e.png');
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((s: string) => void lines.push(s));
    const code = await explain([
      '--run',
      runDir,
      '--date',
      '2018-06-01',
      '--out',
      out,
      '--data',
      dailyDir(),
      '--patch',
      '2',
      '--scale',
      '2',
      '--json',
    ]);
    spy.mockRestore();
    expect(code).toBe(0);
    const res = JSON.parse(lines.at(-1)!) as {
      height: number;
      width: number;
      values: number[];
      probabilities: number[];
      explained: string;
    };
    expect([res.height, res.width]).toEqual([12, 8]);
    const png = PNG.sync.read(readFileSync(out));
    expect([png.width, png.height]).toEqual([(2 * 8 + 2) * 2, 12 * 2]);
    // the same numbers from the pure function with the run's model
    const { dataset } = loadDataset({ ...config.dataset, to: undefined }, dailyDir());
    const img = new Float32Array(12 * 8 * 2);
    dataset.fillImage(dataset.dates.indexOf('2018-06-01'), img);
    const model = await loadRunModel(runDir);
    const map = occlusionSaliency(img, [12, 8, 2], modelPredictor(model, [12, 8, 2]), { patch: [2, 2] });
    model.dispose();
    expect(res.values).toEqual(Array.from(map.values));
    expect(res.explained).toBe(['down', 'flat', 'up'][map.classIndex]);
  });

  it('refuses a date without a sample and an unknown class, naming the flag', async () => {
    await expect(
      explain([
        '--run',
        runDir,
        '--date',
        '2018-06-02',
        '--out',
        path.join(tmp, 'x.png'),
        '--data',
        dailyDir(),
      ]),
    ).rejects.toThrow(/--date.*not a sample date/);
    await expect(
      explain([
        '--run',
        runDir,
        '--date',
        '2018-06-01',
        '--out',
        path.join(tmp, 'x.png'),
        '--class',
        'sideways',
      ]),
    ).rejects.toThrow(/--class/);
  });
});
