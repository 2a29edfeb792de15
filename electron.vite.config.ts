import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';
import { cspSafeClaygl } from './build/csp-safe-claygl';
import { dedupeRequireShim } from './build/dedupe-require-shim';

export default defineConfig({
  main: {
    plugins: [dedupeRequireShim()],
    build: {
      rollupOptions: {
        // the training worker is a second entry: main starts it as a utilityProcess
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          'train-worker': resolve(__dirname, 'src/main/worker/train-worker.ts'),
          // and the compute worker (datasets, plans, saliency) a second long-lived one
          'compute-worker': resolve(__dirname, 'src/main/worker/compute-worker.ts'),
        },
        // tfjs and its native/wasm backends are loaded at run time from node_modules
        external: ['@tensorflow/tfjs-node', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'],
      },
    },
  },
  preload: {
    build: {
      // a sandboxed preload cannot require node_modules: bundle zod and the contract into one CommonJS file
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        output: { format: 'cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
      chunkSizeWarningLimit: 4000,
    },
    plugins: [vue(), cspSafeClaygl()],
  },
});
