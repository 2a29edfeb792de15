/**
 * tfjs-node (the 'tensorflow' backend, which users get from npm ci) against the cpu backend: the same kernel
 * suites as the wasm files, and a GoogLeNet-style training step. Skipped with the reason when tfjs-node does not
 * load here; a failure when FACTOR_INCEPTION_REQUIRE_TFJS_NODE=1 (CI, after scripts/prepare-tfjs-node.mjs).
 */
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/main/training/train/backend';
import { tf } from '../../../src/main/training/train/tf';
import { expectPart, tfjsNodePart } from '../../helpers/backends';
import {
  dataMovementSuite,
  filterGradSuite,
  forwardSuite,
  inputGradSuite,
  poolGradSuite,
  trainStepSuite,
} from './kernel-suites';

const part = await tfjsNodePart();

describe('tfjs-node', () => {
  it('loads and becomes the tensorflow backend', async (ctx) => {
    expectPart(part, ctx);
    const info = await selectBackend('tensorflow');
    expect(info).toMatchObject({ name: 'tensorflow', requested: 'tensorflow', tfjsVersion: '4.22.0' });
    expect(tf.getBackend()).toBe('tensorflow');
  });
});

if (part.why === undefined) {
  filterGradSuite('tensorflow', 'tensorflow');
  poolGradSuite('tensorflow', 'tensorflow');
  inputGradSuite('tensorflow', 'tensorflow');
  forwardSuite('tensorflow', 'tensorflow');
  trainStepSuite('tensorflow', 'tensorflow');
  dataMovementSuite('tensorflow', 'tensorflow');
}
