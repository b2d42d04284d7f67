// Lint rules that keep the layers of STYLE.md honest: the kernel never imports electron,
// kernel/common stays free of Node built-ins (the renderer imports it), no import cycles,
// and no promise is left floating.
import tseslint from 'typescript-eslint';
import importPlugin from 'eslint-plugin-import';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'net', 'http', 'https', 'stream', 'url', 'util', 'worker_threads'];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'bench/.work/', 'coverage/', '**/*.py'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    plugins: { import: importPlugin },
    settings: { 'import/resolver': { node: { extensions: ['.ts', '.js'] } }, 'import/extensions': ['.ts'], 'import/parsers': { '@typescript-eslint/parser': ['.ts'] } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import/no-cycle': ['error', { maxDepth: 10 }],
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'only main/ and preload/ may import electron' }] }],
    },
  },
  {
    files: ['kernel/**/*.ts', 'skills/**/*.ts'],
    ignores: ['kernel/cli/**', 'kernel/api/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'the kernel never imports electron' }],
          patterns: [{ group: ['**/cli/*', '**/renderer/*', '**/main/*', '**/preload/*'], message: 'the kernel core must not import its front ends' }],
        },
      ],
    },
  },
  // Last, so it wins over the kernel-wide block for kernel/common files.
  {
    files: ['kernel/common/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'kernel/common is runtime-free' }],
          patterns: [
            { group: nodeBuiltins, message: 'kernel/common must not use Node built-ins: the renderer imports it' },
            { group: ['../*', '!../common/*'], message: 'kernel/common imports nothing outside itself (except npm packages like zod)' },
          ],
        },
      ],
    },
  },
  // Pure like kernel/common (the renderer may run samplers), but free to import within itself.
  {
    files: ['kernel/hpo/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'the kernel never imports electron' }],
          patterns: [{ group: nodeBuiltins, message: 'kernel/hpo is pure TypeScript: no Node built-ins' }],
        },
      ],
    },
  },
  // Electron main: the only place (with preload/) that may import electron; it embeds the
  // kernel (kernel/**) but never reaches into the renderer or the preload.
  {
    files: ['main/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/renderer/*', '**/renderer', '**/preload/*', '**/preload'], message: 'main/ talks to the renderer over IPC only' }] },
      ],
    },
  },
  // Preload: electron and the contract's name lists, nothing else (it runs sandboxed).
  {
    files: ['preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!electron$|\\.\\./kernel/common/contract$)', message: 'preload/ may import only electron and kernel/common/contract' }] },
      ],
    },
  },
  // Renderer .tsx: the same type-aware rules as the **/*.ts block (typed through renderer/tsconfig.json).
  {
    files: ['renderer/**/*.tsx'],
    extends: [tseslint.configs.recommended],
    languageOptions: { parserOptions: { ecmaFeatures: { jsx: true }, projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { import: importPlugin },
    settings: {
      'import/resolver': { node: { extensions: ['.ts', '.tsx', '.js'] } },
      'import/extensions': ['.ts', '.tsx'],
      'import/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import/no-cycle': ['error', { maxDepth: 10 }],
    },
  },
  // Renderer (.ts and .tsx): never electron or Node; of the kernel, kernel/common only.
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    // Build configs (vite, vitest) run in Node, not in the page.
    ignores: ['renderer/*.config.ts'],
    languageOptions: { parser: tseslint.parser, parserOptions: { ecmaFeatures: { jsx: true }, projectService: true, tsconfigRootDir: import.meta.dirname }, globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'the renderer never imports electron: use the SgrApi client' }],
          patterns: [
            { regex: '^(node:|fs$|path$|os$|child_process$|crypto$|net$|http$|https$|worker_threads$)', message: 'the renderer runs in a sandbox: no Node built-ins' },
            { regex: '(^|/)kernel/(?!common(/|$))', message: 'the renderer may import kernel/common only' },
          ],
        },
      ],
    },
  },
);
