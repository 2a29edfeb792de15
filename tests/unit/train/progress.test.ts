import { describe, expect, it } from 'vitest';
import { createProgress, formatSeconds } from '../../../src/cli/progress';
import type { TrainProgress } from '../../../src/main/training/train/settings';

const ev = (epoch: number, batch: number, phase: TrainProgress['phase'] = 'train'): TrainProgress => ({
  epoch,
  epochs: 2,
  batch,
  batches: 10,
  loss: 1,
  accuracy: 0.5,
  samplesPerSecond: 100,
  etaSeconds: 12,
  backend: 'cpu',
  phase,
});

describe('progress display', () => {
  it('formats durations', () => {
    expect(formatSeconds(5)).toBe('5s');
    expect(formatSeconds(75)).toBe('1m15s');
    // hours show whole minutes, truncated
    expect(formatSeconds(3 * 3600 + 7 * 60 + 40)).toBe('3h07m');
    expect(formatSeconds(NaN)).toBe('?');
  });

  it('writes JSON lines off a TTY, throttled within an epoch but never dropping a new epoch, phase or epoch end', () => {
    const out: string[] = [];
    const d = createProgress({ tty: false, label: 'x', intervalMs: 60_000, write: (s) => out.push(s) });
    for (let b = 1; b <= 10; b++) d.update(ev(1, b));
    d.update(ev(1, 10, 'validate'));
    d.update(ev(2, 1));
    d.update(ev(2, 2));
    d.log('hello');
    d.result({ run: 'r' });
    const lines = out.map((l) => {
      expect(l.endsWith('\n')).toBe(true);
      return JSON.parse(l) as Record<string, unknown>;
    });
    expect(lines.map((l) => [l.type, l.epoch, l.batch, l.phase])).toEqual([
      ['progress', 1, 1, 'train'],
      ['progress', 1, 10, 'train'],
      ['progress', 1, 10, 'validate'],
      ['progress', 2, 1, 'train'],
      ['log', undefined, undefined, undefined],
      ['result', undefined, undefined, undefined],
    ]);
    expect(lines[4].message).toBe('hello');
    expect(lines[5]).toMatchObject({ type: 'result', label: 'x', run: 'r' });
  });
});
