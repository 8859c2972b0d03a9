// Lint rules that protect the two things that break long-running Temporal workflows:
// non-deterministic code inside the workflow sandbox, and promises nobody awaits.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = builtinModules.flatMap((name) => [name, `node:${name}`]);

export default tseslint.config(
  {
    ignores: ['.dependency-cruiser.cjs', 'node_modules/', '.tools/', '.data/', '.cache/', 'dist/', 'test-artifacts/', 'bench-results/', 'db/migrations/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox and is replayed from history:
    // it may import only the workflow SDK, shared pure modules and activity *types*.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Workflow code cannot use Node built-ins: move this into an activity.' })),
          patterns: [
            { group: ['**/activities/*', '**/activities'], allowTypeImports: true, message: 'Workflows may only `import type` from activities.' },
            { group: ['**/db/**', '**/quickbooks/**', '**/api/**', 'drizzle-orm*', 'postgres', 'pino', 'intuit-oauth', 'hono*'], message: 'Workflow code must stay deterministic: do I/O in an activity.' },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use sleep() in a loop from @temporalio/workflow.' },
        { name: 'fetch', message: 'Do I/O in an activity.' },
        { name: 'process', message: 'Workflow code cannot read the environment.' },
      ],
    },
  },
);
