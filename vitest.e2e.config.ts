import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.e2e.test.ts'],
    environment: 'node',
    globalSetup: ['tests/e2e/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // one browser and one host at a time on a 2-core machine
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});
