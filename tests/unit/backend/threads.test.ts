import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const CHILD = path.join(import.meta.dirname, 'threads-child.ts');
const TSX = path.resolve(import.meta.dirname, '../../../node_modules/.bin/tsx');

function run(threads: number) {
  // The wasm module is instantiated once per process, so each thread count needs its own process.
  const r = spawnSync(TSX, [CHILD, String(threads)], { encoding: 'utf8', timeout: 90_000 });
  expect(r.error, 'the child must exit on its own (no lingering pthread workers)').toBeUndefined();
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as {
    info: { name: string; threads: number };
    hashes: string[];
    heads: number[][];
  };
}

describe('wasm with pthreads in Node (threaded-SIMD binary)', () => {
  it('initialises with 2 threads, exits cleanly, and gives bit-identical gradients to 1 thread', () => {
    const one = run(1);
    const two = run(2);
    expect(one.info).toMatchObject({ name: 'wasm', threads: 1 });
    expect(two.info).toMatchObject({ name: 'wasm', threads: 2 });
    expect(two.hashes.length).toBe(3);
    expect(two.heads[0].some((v) => v !== 0)).toBe(true);
    // xnnpack splits work by output tiles, each summed in the same order whatever the thread count: equal bits.
    expect(two.hashes).toEqual(one.hashes);
  });
});
