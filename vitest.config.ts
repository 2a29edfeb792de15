import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // 2-core machine: two forks keep tfjs-heavy files from starving each other
    pool: 'forks',
    maxWorkers: 2,
  },
});
