/**
 * tfjs-node (the 'tensorflow' backend, which users get from npm ci) against the cpu backend: the same kernel
 * suites as the wasm files, and a GoogLeNet-style training step. Skipped with the reason when tfjs-node does not
 * load here; a failure when FACTOR_INCEPTION_REQUIRE_TFJS_NODE=1 (CI, after scripts/prepare-tfjs-node.mjs).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/main/training/train/backend';
import { tf } from '../../../src/main/training/train/tf';
import { expectPart, tfjsNodePart } from '../../helpers/backends';
import { REPO } from '../../helpers/cli';
import {
  dataMovementSuite,
  filterGradSuite,
  forwardSuite,
  inputGradSuite,
  poolGradSuite,
  trainStepSuite,
} from './kernel-suites';

// set by the user (or CI) before tfjs-node loads; unset means the engine's default
const userOneDnn = process.env.TF_ENABLE_ONEDNN_OPTS;
const part = await tfjsNodePart();

describe('tfjs-node', () => {
  it('loads and becomes the tensorflow backend', async (ctx) => {
    expectPart(part, ctx);
    const info = await selectBackend('tensorflow');
    expect(info).toMatchObject({ name: 'tensorflow', requested: 'tensorflow', tfjsVersion: '4.22.0' });
    expect(tf.getBackend()).toBe('tensorflow');
    // TensorFlow's own kernels unless the user asked for oneDNN's, and the backend line says which
    expect(info.kernels).toBe(userOneDnn && userOneDnn !== '0' ? 'oneDNN on' : 'oneDNN off');
  });

  it('trains through the 1x1 stride-2 filter gradient that oneDNN crashed on (a Sapphire Rapids Xeon)', (ctx) => {
    expectPart(part, ctx);
    // in a child process: with oneDNN this shape freed memory twice and killed the process
    const env = { ...process.env };
    if (userOneDnn === undefined) delete env.TF_ENABLE_ONEDNN_OPTS;
    const r = spawnSync(path.join(REPO, 'node_modules/.bin/tsx'), ['tests/helpers/strided-filter-grad.ts'], {
      cwd: REPO,
      env,
      encoding: 'utf8',
    });
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    const errs = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as number[];
    expect(errs).toHaveLength(2);
    for (const e of errs) expect(e).toBeLessThan(1e-5);
  }, 120_000);
});

if (part.why === undefined) {
  filterGradSuite('tensorflow', 'tensorflow');
  poolGradSuite('tensorflow', 'tensorflow');
  inputGradSuite('tensorflow', 'tensorflow');
  forwardSuite('tensorflow', 'tensorflow');
  trainStepSuite('tensorflow', 'tensorflow');
  dataMovementSuite('tensorflow', 'tensorflow');
}
