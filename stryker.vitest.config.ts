/**
 * The Vitest setup of `npm run mutation` (stryker.config.mjs): the project's
 * config with only the unit tests of `widget/core/` itself, so the score measures
 * the core's own tests, and each mutant runs in Node in about a second (the DOM
 * tests of the chat window take seconds per run).
 */
import { defineConfig } from 'vitest/config'
import base from './vitest.config'

export default defineConfig({
  ...base,
  test: { ...base.test, include: ['widget/core/**/*.test.ts'] },
})
