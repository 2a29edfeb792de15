/**
 * End-to-end through the real command line in child processes: kill -9 mid-epoch + resume gives the same final
 * weights as an uninterrupted run, and predict in a fresh process reproduces the probabilities saved by the run;
 * on cpu, on wasm with and without the native kernels, and on tensorflow (tfjs-node), each where it loads.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dailyDir } from '../../helpers/data';
import { listRuns } from '../../../src/main/training/train/run-folders';
import { expectPart, nativePart, tfjsNodePart } from '../../helpers/backends';

const repo = path.resolve(import.meta.dirname, '../../..');
const bin = path.join(repo, 'bin/factor-inception.js');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'fi-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Child {
  code: Promise<number | null>;
  lines: string[];
  stderr: () => string;
  kill: () => void;
}

/** Runs the CLI; `onLine` sees every stdout line (JSON lines: stdout is a pipe, not a TTY). */
function cli(
  args: string[],
  onLine?: (line: string, child: Child) => void,
  env: Record<string, string> = {},
): Child {
  const p = spawn(process.execPath, [bin, ...args], {
    cwd: tmp,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let err = '';
  const child: Child = {
    lines: [],
    stderr: () => err,
    kill: () => p.kill('SIGKILL'),
    code: new Promise((resolve) => p.on('close', (c) => resolve(c))),
  };
  let buf = '';
  p.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      child.lines.push(line);
      onLine?.(line, child);
    }
  });
  p.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return child;
}

// small real-data config: last-bar MLP (fast on cpu), 4 epochs of ~50 batches, dropout on
const config = {
  dataset: { from: '2020-01-01', to: '2020-12-31', channels: ['000300', '000905'] },
  model: { preset: 'mlp', dropout: 0.2 },
  train: {
    epochs: 4,
    batchSize: 4,
    backend: 'cpu',
    earlyStoppingPatience: 0,
    optimizer: 'adam',
    lrSchedule: 'cosine',
  },
};

const native = nativePart();
const tfjsNode = await tfjsNodePart();
/** Every backend that loads here: the tag train.log shows, the config's backend, and the child's environment. */
const BACKENDS: { tag: string; backend: string; env: Record<string, string> }[] = [
  { tag: 'cpu', backend: 'cpu', env: {} },
  { tag: 'wasm', backend: 'wasm', env: { FACTOR_INCEPTION_NATIVE: '0' } },
  ...(native.why === undefined
    ? [{ tag: 'wasm+native', backend: 'wasm', env: { FACTOR_INCEPTION_NATIVE: '1' } }]
    : []),
  ...(tfjsNode.why === undefined ? [{ tag: 'tensorflow', backend: 'tensorflow', env: {} }] : []),
];

describe('train / resume / predict command line', () => {
  const data = dailyDir();

  it('covers the native kernels and tfjs-node where they load', (ctx) => {
    expectPart(native, ctx);
    expectPart(tfjsNode, ctx);
  });

  for (const { tag, backend, env } of BACKENDS)
    it(`${tag}: kill -9 mid-epoch then resume ends with the same weights as an uninterrupted run; predict reproduces saved probabilities`, async () => {
      const cfgFile = path.join(tmp, `cfg-${tag}.json`);
      writeFileSync(cfgFile, JSON.stringify({ ...config, train: { ...config.train, backend } }));
      const dirOf = (x: string) => `${tag}-${x}`;
      const full = cli(
        ['train', '--config', cfgFile, '--out', dirOf('a'), '--name', 'r', '--data', data],
        undefined,
        env,
      );
      let killedAt: { epoch: number; batch: number } | undefined;
      const killed = cli(
        ['train', '--config', cfgFile, '--out', dirOf('b'), '--name', 'r', '--data', data],
        (line, c) => {
          if (killedAt || !line.startsWith('{')) return;
          const m = JSON.parse(line) as { type: string; epoch?: number; batch?: number; phase?: string };
          if (m.type === 'progress' && m.phase === 'train' && (m.epoch ?? 0) >= 2) {
            killedAt = { epoch: m.epoch!, batch: m.batch! };
            c.kill();
          }
        },
        env,
      );
      expect(await killed.code).toBe(null); // died of the signal
      expect(killedAt).toBeDefined();
      const bDir = path.join(tmp, dirOf('b'), 'r');
      const ck = JSON.parse(readFileSync(path.join(bDir, 'checkpoint/manifest.json'), 'utf8')) as {
        epoch: number;
      };
      expect(ck.epoch).toBeGreaterThanOrEqual(1);
      expect(ck.epoch).toBeLessThan(4);
      // the child may run ahead of this process reading its output, so the kill lands in epoch killedAt.epoch or
      // later: the checkpoint is at least the epoch before it, and the run did not get to its end
      expect(ck.epoch).toBeGreaterThanOrEqual(killedAt!.epoch - 1);
      expect(existsSync(path.join(bDir, 'model.json'))).toBe(false);
      expect(JSON.parse(readFileSync(path.join(bDir, 'status.json'), 'utf8')).status).toBe('running');

      expect(listRuns(path.join(tmp, dirOf('b')))[0].status).toBe('interrupted');

      expect(await full.code).toBe(0);
      const aDir = path.join(tmp, dirOf('a'), 'r');
      // predict (fresh process) runs beside the resume, over every date of the data (the saved config's 'to' is dropped)
      const pred = cli(['predict', '--run', aDir, '--data', data, '--date', 'all', '--json'], undefined, env);
      const resumed = cli(['resume', bDir, '--data', data], undefined, env);
      expect(await resumed.code).toBe(0);
      expect(resumed.lines.some((l) => l.includes(`resumed from checkpoint after epoch ${ck.epoch}`))).toBe(
        true,
      );

      const wa = readFileSync(path.join(aDir, 'weights.bin'));
      const wb = readFileSync(path.join(bDir, 'weights.bin'));
      expect(wa.byteLength).toBeGreaterThan(1000);
      expect(wa.equals(wb)).toBe(true);
      const metrics = (d: string) =>
        readFileSync(path.join(d, 'metrics.jsonl'), 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { loss: number; valLoss: number });
      expect(metrics(bDir).map((m) => [m.loss, m.valLoss])).toEqual(
        metrics(aDir).map((m) => [m.loss, m.valLoss]),
      );
      expect(JSON.parse(readFileSync(path.join(bDir, 'status.json'), 'utf8')).status).toBe('finished');
      expect(
        readFileSync(path.join(aDir, 'train.log'), 'utf8')
          .split('\n')
          .filter(Boolean)
          .every((l) => l.includes(`[${tag}]`)),
      ).toBe(true);

      const saved = JSON.parse(readFileSync(path.join(aDir, 'predictions.json'), 'utf8')) as {
        dates: string[];
        probs: number[][];
      };
      expect(await pred.code).toBe(0);
      const out = JSON.parse(pred.lines.join('')) as { dates: string[]; probs: number[][]; labels: number[] };
      expect(saved.dates.length).toBe(30);
      for (const [k, d] of saved.dates.entries()) {
        const i = out.dates.indexOf(d);
        expect(i).toBeGreaterThanOrEqual(0);
        for (let c = 0; c < 3; c++) expect(Math.abs(out.probs[i][c] - saved.probs[k][c])).toBeLessThan(1e-6);
      }
      // the newest dates have no label yet and still get probabilities
      expect(out.dates.at(-1)! > '2020-12-31').toBe(true);
      expect(out.labels.at(-1)).toBe(-1);
      expect(out.probs.at(-1)!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }, 300_000);

  it('names unknown and invalid config fields and the file', async () => {
    const bad = path.join(tmp, 'bad.json');
    writeFileSync(bad, JSON.stringify({ train: { epochz: 3 } }));
    const c = cli(['train', '--config', bad, '--data', data]);
    expect(await c.code).toBe(1);
    expect(c.stderr()).toContain(`train.epochz: unknown field in ${bad}`);
  });
});
