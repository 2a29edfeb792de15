/**
 * After an update, `predict --date latest` predicts for the newest day: a small run is trained on a data folder
 * ending 2023-12-15, the folder is updated from the local quote server, and predict (a fresh process each time)
 * moves from 2023-12-15 to 2023-12-29.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useUpdateFixture } from '../../helpers/update-fixture';

const fx = useUpdateFixture();
const bin = path.resolve(import.meta.dirname, '../../../bin/factor-inception.js');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'fi-update-predict-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[]): { code: number | null; out: string; err: string } {
  const p = spawnSync(process.execPath, [bin, ...args], { cwd: tmp, encoding: 'utf8' });
  return { code: p.status, out: p.stdout, err: p.stderr };
}

describe('update, then predict --date latest', () => {
  it('predicts for the new last date', async () => {
    const { dir } = fx.dataDir();
    const cfg = path.join(tmp, 'cfg.json');
    writeFileSync(
      cfg,
      JSON.stringify({
        dataset: { from: '2023-01-01', to: '2023-10-31', channels: ['000300', '000905'] },
        model: { preset: 'mlp' },
        train: { epochs: 1, batchSize: 16, backend: 'cpu', earlyStoppingPatience: 0 },
      }),
    );
    const train = cli(['train', '--config', cfg, '--out', 'runs', '--name', 'r', '--data', dir]);
    expect(train.code, train.err).toBe(0);
    const run = path.join(tmp, 'runs/r');
    const before = cli(['predict', '--run', run, '--data', dir, '--date', 'latest', '--json']);
    expect(before.code, before.err).toBe(0);
    expect(JSON.parse(before.out).dates).toEqual(['2023-12-15']);

    const r = await fx.run(dir);
    expect(r.files.every((f) => f.status === 'updated')).toBe(true);

    const after = cli(['predict', '--run', run, '--data', dir, '--date', 'latest', '--json']);
    expect(after.code, after.err).toBe(0);
    const p = JSON.parse(after.out);
    expect(p.dates).toEqual(['2023-12-29']);
    expect(p.labels).toEqual([-1]); // no 14-day forward return yet
    expect(p.probs[0].reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 5);
  });
});
