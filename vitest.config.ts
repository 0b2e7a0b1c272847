/**
 * Unit tests sit beside the code (`*.test.ts`, `*.test.tsx`). Core and server
 * tests run in Node; files that need a DOM say so with a
 * `// @vitest-environment happy-dom` comment on their first line.
 */
import { defineConfig } from 'vitest/config'

export default defineConfig({
  // JSX as in the build (vite.config.ts `jsx`): Preact's `h` calls. Vite's dev
  // transform adds the import to .tsx files only.
  oxc: {
    jsx: { runtime: 'classic', pragma: 'h', pragmaFrag: 'Fragment' },
    jsxInject: "import { h, Fragment } from 'preact'",
  },
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
