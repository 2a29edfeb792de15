/**
 * The wasm backend with only tfjs' kernels and ours from src/main/training/train/wasm-kernels (the native
 * addon switched off), against the cpu backend. Each test file runs in its own process, so this choice holds
 * for the whole file.
 */
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/main/training/train/backend';
import { isNativeKernel, NATIVE_KERNELS } from '../../../src/main/training/train/native-kernels';
import { tf } from '../../../src/main/training/train/tf';
import {
  filterGradSuite,
  forwardSuite,
  inputGradSuite,
  poolGradSuite,
  trainStepSuite,
  dataMovementSuite,
} from './kernel-suites';

process.env.FACTOR_INCEPTION_NATIVE = '0';

describe('wasm without the native addon', () => {
  it('reports that the native kernels are off', async () => {
    const info = await selectBackend('wasm');
    expect(info.name).toBe('wasm');
    expect(info.kernels).toMatch(/native kernels off/);
    for (const name of NATIVE_KERNELS)
      expect(isNativeKernel(tf.getKernel(name, 'wasm')?.kernelFunc), name).toBe(false);
  });
});

filterGradSuite('wasm');
poolGradSuite('wasm');
inputGradSuite('wasm');
forwardSuite('wasm');
trainStepSuite('wasm');
dataMovementSuite('wasm');
