import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readQueue } from '../../../src/cli/commands/batch';
import { DEFAULT_TRAIN } from '../../../src/main/training/train/settings';
import { dailyDir } from '../../helpers/data';

const repo = path.resolve(import.meta.dirname, '../../..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'fi-batch-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const cfg = (seed: number) => ({
  dataset: { from: '2020-01-01', to: '2020-12-31', channels: ['000300'] },
  model: { preset: 'logreg' },
  train: { epochs: 2, batchSize: 16, backend: 'cpu', seed },
});

describe('batch queue', () => {
  it('reads both queue forms and names runs deterministically', () => {
    mkdirSync(path.join(tmp, 'cfgs'), { recursive: true });
    writeFileSync(path.join(tmp, 'cfgs/alpha.json'), JSON.stringify(cfg(1)));
    writeFileSync(path.join(tmp, 'q1.json'), JSON.stringify(['cfgs/alpha.json']));
    const q1 = readQueue(path.join(tmp, 'q1.json'));
    expect(q1.entries.map((e) => e.name)).toEqual(['alpha']);
    expect(q1.entries[0].config.train).toEqual({
      ...DEFAULT_TRAIN,
      epochs: 2,
      batchSize: 16,
      backend: 'cpu',
      seed: 1,
    });
    writeFileSync(
      path.join(tmp, 'q2.json'),
      JSON.stringify({
        out: 'r',
        runs: [
          { name: 'x', config: cfg(2) },
          { name: 'x', config: 'cfgs/alpha.json' },
        ],
      }),
    );
    expect(() => readQueue(path.join(tmp, 'q2.json'))).toThrow(/run name 'x' appears twice/);
    writeFileSync(
      path.join(tmp, 'q3.json'),
      JSON.stringify({ runs: [{ name: 'y', config: { train: { epoch: 2 } } }] }),
    );
    expect(() => readQueue(path.join(tmp, 'q3.json'))).toThrow(
      /train\.epoch: unknown field in .*q3\.json runs\[0\]\.config/,
    );
  });

  it('runs a queue, skips finished runs and resumes an interrupted one when started again', () => {
    const queue = path.join(tmp, 'queue.json');
    writeFileSync(
      queue,
      JSON.stringify({
        out: 'runs',
        runs: [
          { name: 'one', config: cfg(1) },
          { name: 'two', config: cfg(2) },
        ],
      }),
    );
    const batch = () => {
      const r = spawnSync(
        process.execPath,
        [path.join(repo, 'bin/factor-inception.js'), 'batch', queue, '--data', dailyDir()],
        { cwd: tmp, encoding: 'utf8' },
      );
      const lines = r.stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map(
          (l) =>
            JSON.parse(l) as {
              type: string;
              label: string;
              status?: string;
              skipped?: boolean;
              message?: string;
            },
        );
      return { code: r.status, lines, stderr: r.stderr };
    };
    const first = batch();
    expect(first.code).toBe(0);
    const results = first.lines.filter((l) => l.type === 'result');
    expect(results.map((r) => [r.label, r.status, r.skipped])).toEqual([
      ['1/2 one', 'finished', undefined],
      ['2/2 two', 'finished', undefined],
    ]);
    const two = path.join(tmp, 'runs/two');
    const weights = readFileSync(path.join(two, 'weights.bin'));
    // simulate a crash after the last checkpoint but before the model was written
    unlinkSync(path.join(two, 'model.json'));
    unlinkSync(path.join(two, 'weights.bin'));
    writeFileSync(
      path.join(two, 'status.json'),
      JSON.stringify({ status: 'running', pid: 0, updatedAt: '' }),
    );

    const second = batch();
    expect(second.code).toBe(0);
    const res2 = second.lines.filter((l) => l.type === 'result');
    expect(res2.map((r) => [r.label, r.status, r.skipped])).toEqual([
      ['1/2 one', 'finished', true],
      ['2/2 two', 'finished', undefined],
    ]);
    expect(
      second.lines.some(
        (l) => l.type === 'log' && /resumed from checkpoint after epoch 2/.test(l.message ?? ''),
      ),
    ).toBe(true);
    expect(existsSync(path.join(two, 'model.json'))).toBe(true);
    expect(readFileSync(path.join(two, 'weights.bin')).equals(weights)).toBe(true);
  });
});
