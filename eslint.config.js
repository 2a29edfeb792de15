// @ts-check
import pluginVue from 'eslint-plugin-vue';
import tseslint from 'typescript-eslint';
import vueParser from 'vue-eslint-parser';

const ELECTRON = [
  { name: 'electron', message: 'The engine and shared code run in plain Node: no electron here.' },
  { name: 'electron-store', message: 'Settings live in src/main/services/settings-store.ts only.' },
];
const NODE_BUILTINS = {
  group: ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto'],
  message: 'Shared code and the renderer run in the sandboxed page too: no node built-ins.',
};
// `main` as a path segment of a relative import: the renderer's own src/renderer/src/main.ts is never imported
const MAIN = {
  group: ['**/main', '**/main/**'],
  message: 'src/shared and src/renderer may not import src/main: move the shared type into src/shared.',
};

/** The engine and the CLI: no electron, nothing from the app shell. */
const engineRules = {
  'no-restricted-imports': [
    'error',
    {
      paths: ELECTRON,
      patterns: [
        {
          group: ['**/main/services/*', '**/main/ipc/*', '**/main/worker/*'],
          message: 'The engine may not depend on the app shell.',
        },
      ],
    },
  ],
};

/** src/shared and the renderer: pure, nothing from src/main. */
const pureRules = {
  'no-restricted-imports': ['error', { paths: ELECTRON, patterns: [MAIN, NODE_BUILTINS] }],
};

export default tseslint.config(
  {
    ignores: ['out/**', 'dist/**', 'node_modules/**', 'docs/**', 'runs/**', 'studies/**', 'native/build/**'],
  },
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/essential'],
  {
    files: ['**/*.vue'],
    languageOptions: { parser: vueParser, parserOptions: { parser: tseslint.parser, sourceType: 'module' } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
    },
  },
  { files: ['src/main/training/**/*.ts', 'src/cli/**/*.ts'], rules: engineRules },
  { files: ['src/shared/**/*.ts', 'src/renderer/**/*.ts', 'src/renderer/**/*.vue'], rules: pureRules },
);
