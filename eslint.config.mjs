// Lint rules: typescript-eslint's recommended set, plus the design's room rules
// (the engine is pure TypeScript: no vscode, no DOM, no Node-only modules).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'media/**', 'node_modules/**', '.vscode-test/**', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['vscode'], message: 'src/engine is pure TypeScript: no vscode imports.' },
          { group: ['node:*', 'fs', 'path', 'os', 'worker_threads', 'child_process', 'vm'], message: 'src/engine is pure TypeScript: no Node-only modules.' },
          { group: ['../*'], message: 'src/engine imports nothing outside itself.' },
        ],
      }],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'process', 'require'],
    },
  },
  {
    // Folders inside the engine (src/engine/curvature/…) may import the engine's own files, one level up.
    files: ['src/engine/*/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['vscode'], message: 'src/engine is pure TypeScript: no vscode imports.' },
          { group: ['node:*', 'fs', 'path', 'os', 'worker_threads', 'child_process', 'vm'], message: 'src/engine is pure TypeScript: no Node-only modules.' },
          { group: ['../../*'], message: 'src/engine imports nothing outside itself.' },
        ],
      }],
    },
  },
  {
    files: ['src/charts/**/*.ts', 'src/protocol.ts', 'src/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['vscode'], message: 'no vscode outside src/extension.' }] }],
    },
  },
);
