// @ts-check
import tseslint from 'typescript-eslint';

const noElectron = {
  'no-restricted-imports': [
    'error',
    {
      paths: [
        { name: 'electron', message: 'The engine and shared code run in plain Node: no electron here.' },
        { name: 'electron-store', message: 'Settings live in src/main/services/settings-store.ts only.' },
      ],
      patterns: [
        {
          group: ['**/main/services/*', '**/main/ipc/*'],
          message: 'The engine may not depend on the app shell.',
        },
      ],
    },
  ],
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'docs/**', 'runs/**', '**/*.vue'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
    },
  },
  { files: ['src/main/training/**/*.ts', 'src/shared/**/*.ts', 'src/cli/**/*.ts'], rules: noElectron },
);
