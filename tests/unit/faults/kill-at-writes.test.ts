/**
 * The fault-injection suite's kill points: a training run is killed (SIGKILL, no cleanup, like a power cut) at a
 * chosen write of a chosen file, at its temp-file write or at its rename (tests/faults/fault-cli.ts, through the
 * write hook of train/atomic.ts), then continued with `factor-inception resume`. Every resumed run must end with the
 * same model and weights, byte for byte, as an uninterrupted run of the same config (cpu backend: deterministic),
 * and say finished. The suite prints its counts.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { dailyDir } from '../../helpers/data';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const faultCli = path.join(repo, 'tests/faults/fault-cli.ts');
const bin = path.join(repo, 'bin/factor-inception.js');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'fi-kill-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const config = {
  dataset: { from: '2020-01-01', to: '2020-12-31', channels: ['000300', '000905'] },
  model: { preset: 'mlp', dropout: 0.2 },
  train: { epochs: 3, batchSize: 8, backend: 'cpu', earlyStoppingPatience: 0 },
};
const cfgFile = path.join(tmp, 'cfg.json');
writeFileSync(cfgFile, JSON.stringify(config));

interface Fault {
  action: 'kill';
  file: string;
  stage: 'write' | 'rename';
  nth: number;
}

/** Runs a command to its end; `fault` runs it through the fault CLI. Resolves with the exit code (null: killed). */
function run(args: string[], fault?: Fault): Promise<{ code: number | null; err: string }> {
  const argv = fault ? ['--import', 'tsx', faultCli, ...args] : [bin, ...args];
  const p = spawn(process.execPath, argv, {
    cwd: repo,
    env: { ...process.env, FI_FAULT: fault ? JSON.stringify(fault) : '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  p.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => p.on('close', (code) => resolve({ code, err })));
}

const train = (out: string, fault?: Fault) =>
  run(['train', '--config', cfgFile, '--out', out, '--name', 'r', '--data', dailyDir()], fault);

// where a run writes: the epoch checkpoint (weights, then its manifest), the status, the final model and outputs
const POINTS: Fault[] = [
  { action: 'kill', file: '^weights-epoch\\d+\\.bin$', stage: 'write', nth: 2 },
  { action: 'kill', file: '^weights-epoch\\d+\\.bin$', stage: 'rename', nth: 2 },
  { action: 'kill', file: '^manifest\\.json$', stage: 'write', nth: 2 },
  { action: 'kill', file: '^manifest\\.json$', stage: 'rename', nth: 3 },
  { action: 'kill', file: '^status\\.json$', stage: 'rename', nth: 2 },
  { action: 'kill', file: '^model\\.json$', stage: 'write', nth: 1 },
  { action: 'kill', file: '^weights\\.bin$', stage: 'rename', nth: 1 },
  { action: 'kill', file: '^predictions\\.json$', stage: 'rename', nth: 1 },
];

describe('kill -9 at every write point of a training run, then resume', () => {
  it('ends with the uninterrupted run’s model and weights, byte for byte, at every point', async () => {
    const ref = path.join(tmp, 'ref');
    expect((await train(ref)).code).toBe(0);
    const want = {
      weights: readFileSync(path.join(ref, 'r', 'weights.bin')),
      model: readFileSync(path.join(ref, 'r', 'model.json'), 'utf8'),
    };
    let killed = 0;
    let identical = 0;
    for (const [i, fault] of POINTS.entries()) {
      const out = path.join(tmp, `k${i}`);
      const k = await train(out, fault);
      // the fault was reached: the process died of the signal, not at its end
      expect(k.code, `${fault.file} ${fault.stage} #${fault.nth}`).toBe(null);
      killed++;
      const dir = path.join(out, 'r');
      const r = await run(['resume', dir, '--data', dailyDir()]);
      expect(r.code, `resume after ${fault.file} ${fault.stage} #${fault.nth}: ${r.err}`).toBe(0);
      expect(readFileSync(path.join(dir, 'weights.bin')).equals(want.weights)).toBe(true);
      expect(readFileSync(path.join(dir, 'model.json'), 'utf8')).toBe(want.model);
      expect(JSON.parse(readFileSync(path.join(dir, 'status.json'), 'utf8')).status).toBe('finished');
      identical++;
    }
    console.log(
      `fault injection: ${POINTS.length} kill points, ${killed} runs killed there, ${identical} resumed to identical weights`,
    );
    expect(identical).toBe(POINTS.length);
  }, 600_000);
});
