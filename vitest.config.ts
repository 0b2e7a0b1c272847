/**
 * Unit tests sit beside the code (`*.test.ts`, `*.test.tsx`). Core and server
 * tests run in Node; files that need a DOM say so with a
 * `// @vitest-environment happy-dom` comment on their first line.
 */
import { defineConfig } from 'vitest/config'

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    include: [
      'loader/**/*.test.{ts,tsx}',
      'npm/**/*.test.ts',
      'widget/**/*.test.{ts,tsx}',
      'demo/**/*.test.ts',
      'scripts/**/*.test.ts',
      'bench/**/*.test.ts',
      'e2e/**/*.unit.test.ts',
    ],
    environment: 'node',
  },
})
