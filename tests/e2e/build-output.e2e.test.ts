/**
 * What `npm run build` produced for Electron, checked without the Electron binary: the training worker bundle
 * (the utilityProcess entry) trains and writes a run in plain Node, the sandboxed preload requires nothing but
 * electron, and the renderer bundle needs no eval.
 */
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultStudyConfig } from '../../src/main/services/study-service';
import type { FromWorker } from '../../src/main/worker/protocol';
import { dailyDir } from '../helpers/data';
import { ROOT } from './helpers';

const runsDir = mkdtempSync(path.join(os.tmpdir(), 'fi-built-'));
afterAll(() => rmSync(runsDir, { recursive: true, force: true }));

describe('Electron build output', () => {
  it('the bundled training worker runs a tiny job to the end in its own process', async () => {
    const cfg = defaultStudyConfig();
    cfg.name = 'built-worker';
    cfg.dataset = { ...cfg.dataset, from: '2021-01-01', channels: ['000300'], lookbackDays: 20 };
    cfg.model.preset = 'logreg';
    cfg.train.epochs = 1;
    cfg.walkForward = { window: 'rolling', trainDays: 300, testDays: 120, stepDays: 120, embargoDays: 14 };
    const child = fork(path.join(ROOT, 'out/main/train-worker.js'), [], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    const messages: FromWorker[] = [];
    const code = await new Promise<number | null>((resolve) => {
      child.on('message', (m) => messages.push(m as FromWorker));
      child.on('exit', resolve);
      child.send({ type: 'start', job: { kind: 'train', config: cfg, dataDir: dailyDir(), runsDir } });
    });
    expect(code).toBe(0);
    expect(messages.filter((m) => m.type === 'error')).toEqual([]);
    expect(messages.at(-1)).toEqual({ type: 'done', cancelled: false });
    expect(messages.some((m) => m.type === 'progress')).toBe(true);
    const [run] = readdirSync(runsDir);
    // the engine's run folder: the same files `factor-inception train` writes, plus the test block's scores
    for (const f of [
      'run.json',
      'config.json',
      'metrics.jsonl',
      'model.json',
      'predictions.csv',
      'evaluation.json',
    ])
      expect(existsSync(path.join(runsDir, run, f)), f).toBe(true);
    expect(JSON.parse(readFileSync(path.join(runsDir, run, 'status.json'), 'utf8')).status).toBe('finished');
  });

  it('the sandboxed preload is one CommonJS file that requires only electron', () => {
    const code = readFileSync(path.join(ROOT, 'out/preload/index.cjs'), 'utf8');
    const required = [...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect([...new Set(required)]).toEqual(['electron']);
    expect(code).toContain('exposeInMainWorld');
  });

  it('the renderer bundle contains no claygl size-expression eval (the CSP forbids eval)', () => {
    const dir = path.join(ROOT, 'out/renderer/assets');
    const js = readdirSync(dir)
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(path.join(dir, f), 'utf8'))
      .join('\n');
    expect(js).not.toMatch(/new Function\(\s*["']width["']/);
    expect(js).toContain('echarts');
  });
});
