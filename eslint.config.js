import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The domain core (dates, money, fiscal calendar, catalogue, refresh clock, forecast, levelling) is pure: it
    // imports only itself and zod, never storage, HTTP, rendering or Node's I/O, so it is tested without any of them.
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^\\.\\./', message: 'src/domain imports only from src/domain.' },
            {
              regex: '^(node:|pg$|kysely|express|puppeteer|handlebars|pino|@electric-sql)',
              message: 'src/domain does no I/O.',
            },
          ],
        },
      ],
    },
  },
  {
    // The renderer is plumbing: it knows HTML and PDFs, not the app, HTTP or any feature, and speaks in its own
    // errors (src/render/render-errors.ts) that the HTTP layer maps to problems.
    files: ['src/render/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./(?!shared/)',
              message: 'src/render imports only from src/render and src/shared.',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests read loosely typed JSON bodies; the assertions are what check their shape.
    files: ['tests/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
