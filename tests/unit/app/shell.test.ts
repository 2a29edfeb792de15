/**
 * The pure pieces behind the Training view, today's signal and the shell: the epoch history merge, the study's
 * chart axis, the signal's verdict and trade, the keyboard shortcuts, and backend lines without local paths.
 */
import { describe, expect, it } from 'vitest';
import type { JobEpoch, SignalRecord } from '../../../src/shared/ipc-contract';
import { signalTrade, signalVerdict } from '../../../src/shared/signal';
import { withEpoch } from '../../../src/shared/training';
import { describeBackend, withoutPaths } from '../../../src/main/training/train/backend-info';
import { palette } from '../../../src/renderer/src/charts/colors';
import { curvesOption, historyX, livePointOf } from '../../../src/renderer/src/charts/training';
import { shortcutOf, VIEW_ORDER, type KeyPress } from '../../../src/renderer/src/shortcuts';

const ep = (epoch: number, loss: number, fold?: string): JobEpoch => ({
  epoch,
  loss,
  accuracy: 0.4,
  learningRate: 1e-3,
  seconds: 1,
  ...(fold ? { fold } : {}),
});
type Opt = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('epoch history', () => {
  it('appends, and a restarted training replaces its epochs from the restart on', () => {
    let h: JobEpoch[] = [];
    for (const m of [ep(1, 1.1, 'a'), ep(2, 1.0, 'a'), ep(1, 1.2, 'b'), ep(2, 1.1, 'b')]) h = withEpoch(h, m);
    // fold b retrained after a cancel: its epochs 1.. go, fold a's stay
    h = withEpoch(h, ep(1, 0.9, 'b'));
    expect(h.map((m) => [m.fold, m.epoch, m.loss])).toEqual([
      ['a', 1, 1.1],
      ['a', 2, 1.0],
      ['b', 1, 0.9],
    ]);
    // a run (no fold) resumed from the checkpoint after epoch 1 repeats epoch 2 only
    const run = withEpoch(withEpoch([ep(1, 1), ep(2, 0.9)], ep(2, 0.8)), ep(3, 0.7));
    expect(run.map((m) => [m.epoch, m.loss])).toEqual([
      [1, 1],
      [2, 0.8],
      [3, 0.7],
    ]);
  });
});

describe('training chart', () => {
  const names = { loss: 'L', valLoss: 'VL', acc: 'A', valAcc: 'VA', batchLoss: 'BL', epoch: 'E' };
  it("puts a study's epochs one after another, with a gap between fold trainings", () => {
    const h = [ep(1, 1.1, 'f0'), ep(2, 1.0, 'f0'), ep(1, 1.2, 'f1')];
    expect(historyX(h)).toEqual([1, 2, 3]);
    const o = curvesOption(h, [], palette('green-up'), names, 6) as Opt;
    const loss = o.series.find((s: Opt) => s.name === 'L').data;
    expect(loss).toEqual([
      [1, 1.1],
      [2, 1.0],
      [2.5, '-'],
      [3, 1.2],
    ]);
    // the axis names sit beside their axes, never above the chart's top left corner
    expect(o.yAxis.map((a: Opt) => [a.name, a.nameLocation, a.nameRotate])).toEqual([
      ['L', 'middle', 90],
      ['A', 'middle', 90],
    ]);
  });

  it("places a study's live batch after the epochs of the other folds", () => {
    const progress = {
      epoch: 2,
      epochs: 3,
      batch: 1,
      batches: 4,
      loss: 1,
      accuracy: 0.5,
      samplesPerSecond: 9,
      etaSeconds: 1,
      backend: 'wasm',
      phase: 'train' as const,
    };
    const history = [ep(1, 1, 'f0'), ep(2, 1, 'f0'), ep(3, 1, 'f0'), ep(1, 1, 'f1')];
    const study = { done: 1, total: 4, cached: 0, training: 'f1', etaSeconds: 1 };
    // 3 epochs of f0, then f1's epoch 2 a quarter through: x = 3 + 1.25
    expect(livePointOf({ kind: 'study', progress, study, history })).toEqual({
      x: 4.25,
      loss: 1,
      accuracy: 0.5,
      fold: 'f1',
    });
    expect(livePointOf({ kind: 'train', progress, history: [] })!.x).toBe(1.25);
    expect(livePointOf({ kind: 'study', progress, study: { ...study, training: undefined }, history })).toBe(
      undefined,
    );
  });
});

describe("today's signal verdict and trade", () => {
  const rec = (ba: number, lo: number | undefined, best?: number): SignalRecord => ({
    testStart: 'a',
    testEnd: 'b',
    n: 100,
    balancedAccuracy: ba,
    ci: lo === undefined ? undefined : { lo, hi: ba + 0.05, level: 0.9 },
    baselines: best === undefined ? [] : [{ name: 'persistence', balancedAccuracy: best }],
  });
  it('calls an interval that reaches 1/3 chance, and one not clear of the best baseline not better', () => {
    expect(signalVerdict(undefined)).toBe('unknown');
    expect(signalVerdict(rec(0.36, 0.33))).toBe('chance');
    expect(signalVerdict(rec(0.36, 1 / 3))).toBe('chance');
    expect(signalVerdict(rec(0.42, 0.36, 0.37))).toBe('baseline');
    expect(signalVerdict(rec(0.42, 0.38, 0.37))).toBe('above');
    // without an interval the estimate decides
    expect(signalVerdict(rec(0.3, undefined))).toBe('chance');
  });
  it('trades the change of target exposure', () => {
    const a = {
      positionMap: [0, 0, 1] as [number, number, number],
      execution: 'next-open' as const,
      holdDays: 14,
    };
    const buy = signalTrade({ ...a, target: 6 / 14, previousTarget: 5 / 14 });
    expect(buy.side).toBe('buy');
    expect(buy.size).toBeCloseTo(1 / 14, 15);
    expect(signalTrade({ ...a, target: 0, previousTarget: 1 / 14 }).side).toBe('sell');
    expect(signalTrade({ ...a, target: 3 / 14, previousTarget: 3 / 14 })).toEqual({ side: 'none', size: 0 });
  });
});

describe('keyboard shortcuts', () => {
  const key = (k: Partial<KeyPress>): KeyPress => ({
    key: '',
    code: '',
    altKey: false,
    ctrlKey: false,
    metaKey: false,
    shiftKey: false,
    ...k,
  });
  it('Alt+digit opens the views in side-bar order; Ctrl/⌘+Enter starts a run, with Shift the study', () => {
    expect(VIEW_ORDER[0]).toBe('signal');
    expect(shortcutOf(key({ altKey: true, code: 'Digit3', key: '3' }), false)).toEqual({ view: 'study' });
    // the code counts, not the character a layout types with Alt
    expect(shortcutOf(key({ altKey: true, code: 'Digit1', key: '¡' }), true)).toEqual({ view: 'signal' });
    expect(shortcutOf(key({ altKey: true, code: 'Digit9' }), false)).toBeUndefined();
    expect(shortcutOf(key({ ctrlKey: true, key: 'Enter' }), true)).toEqual({ start: 'train' });
    expect(shortcutOf(key({ metaKey: true, shiftKey: true, key: 'Enter' }), false)).toEqual({
      start: 'study',
    });
    expect(shortcutOf(key({ key: '?' }), false)).toEqual({ help: true });
    // typing a question mark into a field is typing
    expect(shortcutOf(key({ key: '?' }), true)).toBeUndefined();
    expect(shortcutOf(key({ key: 'Enter' }), false)).toBeUndefined();
  });
});

describe('backend lines', () => {
  it('name the backend and its version, and no folder of this machine', () => {
    const note =
      "@tensorflow/tfjs-node is not available (Cannot find package '@tensorflow/tfjs-node' imported from /home/ana/factor-inception/src/main/training/train/backend.ts); using the next backend";
    const line = describeBackend({
      name: 'wasm',
      requested: 'auto',
      tfjsVersion: '4.22.0',
      threads: 1,
      note,
    });
    expect(line).toBe(
      "wasm (tfjs 4.22.0, 1 thread) — @tensorflow/tfjs-node is not available (Cannot find package '@tensorflow/tfjs-node' imported from backend.ts); using the next backend",
    );
    expect(withoutPaths('loaded C:\\Users\\ana\\app\\native.node and file:///opt/x/y.js')).toBe(
      'loaded native.node and y.js',
    );
    // numbers, versions and relative names stay
    expect(withoutPaths('OpenBLAS 0.3.21, 2 threads; native/build')).toBe(
      'OpenBLAS 0.3.21, 2 threads; native/build',
    );
  });
});
