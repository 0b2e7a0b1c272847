/**
 * Mutation testing of the chat window's core (`npm run mutation`, docs/mutation.md).
 *
 * Stryker mutates `widget/core/` (not its tests, fakes or locale tables), runs the
 * Vitest unit tests that cover each mutant (per-test coverage from a dry run), and
 * fails below an 80 % mutation score. Reports go to `reports/mutation/` (gitignored):
 * `index.html` to browse the survivors, `mutation.json` (mutation-testing-elements
 * schema) for tools.
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: {
    configFile: 'stryker.vitest.config.ts',
    // Only the core's tests that import the mutated file run for it.
    related: true,
  },
  mutate: [
    'widget/core/**/*.ts',
    '!widget/core/**/*.test.ts',
    '!widget/core/**/*.fake.ts',
    '!widget/core/locales/**',
  ],
  coverageAnalysis: 'perTest',
  // Static mutants (module-level constants: tables, messages) need a fresh module graph and
  // every test per mutant: 16 % of the mutants, 56 % of the run's time. Their values are
  // pinned by the tests that read them anyway (console lines, storage keys).
  ignoreStatic: true,
  // Two cores, shared: `npm run mutation -- --concurrency 1` on a busy machine.
  concurrency: 2,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  clearTextReporter: { allowEmojis: false, reportScoreTable: true, reportMutants: true },
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  thresholds: { high: 90, low: 80, break: 80 },
  tempDirName: '.stryker-tmp',
  // Not copied into the sandbox (besides node_modules, .git, reports, .stryker-tmp).
  ignorePatterns: ['dist', 'test-results', 'playwright-report', 'demo/.data', 'bench/results'],
}
