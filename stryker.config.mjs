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
    configFile: 'vitest.config.ts',
    // Every test that imports a core module (core, ui, config, demo) may kill its mutants.
    related: true,
  },
  mutate: [
    'widget/core/**/*.ts',
    '!widget/core/**/*.test.ts',
    '!widget/core/**/*.fake.ts',
    '!widget/core/locales/**',
  ],
  coverageAnalysis: 'perTest',
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
