/**
 * Byte budgets of what ships, measured on the built `dist/` with brotli (quality
 * 11, what CDNs serve). Deterministic, so they are tests; the README states the
 * same limits and a test keeps the two in sync.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, constants } from 'node:zlib'
import { expect, test } from '@playwright/test'

/** Limits in bytes (KiB = 1024 bytes). */
export const BUDGETS = {
  /** dist/Reekolect.js: what every page view of every customer site pays. */
  loader: 2 * 1024,
  /** Everything needed to open the chat and finish the built-in flow, except the phone chunk. */
  chat: 24 * 1024,
}

const dist = 'dist'
const brotli = (file: string) =>
  brotliCompressSync(readFileSync(join(dist, file)), {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
  }).length

interface Chunk {
  file: string
  imports?: string[]
  dynamicImports?: string[]
  css?: string[]
}
const manifest = () =>
  JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8')) as Record<string, Chunk>

/** The widget entry and every chunk it imports statically: what opening the chat downloads. */
function chatFiles(): string[] {
  const m = manifest()
  const seen = new Set<string>()
  const visit = (key: string) => {
    const c = m[key]
    if (!c || seen.has(c.file)) return
    seen.add(c.file)
    for (const css of c.css ?? []) seen.add(css)
    for (const i of c.imports ?? []) visit(i)
  }
  visit('widget/index.ts')
  return [...seen]
}

test('the loader is at most 2 KiB brotli', () => {
  const size = brotli('Reekolect.js')
  test.info().annotations.push({ type: 'size', description: `loader ${size} B` })
  expect(size).toBeLessThanOrEqual(BUDGETS.loader)
})

test('opening the chat and finishing the built-in flow needs at most 24 KiB brotli besides the phone chunk', () => {
  const files = chatFiles()
  expect(files.some((f) => /widget-/.test(f))).toBe(true)
  // The phone chunk (libphonenumber-js and its metadata) must stay out of this set: it is lazy.
  expect(files.some((f) => /phone-/.test(f))).toBe(false)
  const size = files.reduce((sum, f) => sum + brotli(f), 0)
  test
    .info()
    .annotations.push({ type: 'size', description: `chat ${size} B (${files.join(', ')})` })
  expect(size).toBeLessThanOrEqual(BUDGETS.chat)
})

test('the README states the same budgets the tests enforce', () => {
  const readme = readFileSync('README.md', 'utf8')
  expect(readme).toContain(`| Loader, \`Reekolect.js\` | ${BUDGETS.loader / 1024} KiB |`)
  expect(readme).toContain(
    `| Chat window and built-in flow, without the phone chunk | ${BUDGETS.chat / 1024} KiB |`,
  )
})

// V8's per-file compile hint (vite.config.ts COMPILE_HINT) must be the file's first
// line to count. It is on the files that run nearly all of themselves as soon as
// they load, and not on the phone chunk, most of which is metadata never called.
test('the loader, the settings chunk and the chat entry start with V8’s compile hint; the phone chunk does not', () => {
  const HINT = '//# allFunctionsCalledOnLoad\n'
  const starts = (file: string) => readFileSync(join(dist, file), 'utf8').startsWith(HINT)
  const settings = JSON.parse(readFileSync(join(dist, '.vite/settings-manifest.json'), 'utf8'))[
    'widget/config/settings.ts'
  ].file as string
  const m = manifest()
  const entry = m['widget/index.ts']?.file ?? ''
  const phone = Object.values(m).find((c) => /phone-/.test(c.file))?.file ?? ''
  expect(phone).not.toBe('')
  expect(starts('Reekolect.js')).toBe(true)
  expect(starts(settings)).toBe(true)
  expect(starts(entry)).toBe(true)
  expect(starts(phone)).toBe(false)
})

// A configured bot's page view downloads the loader and the settings chunk, one
// file: a module it shared with its lazy trigger chunk would be a chunk of its
// own, imported statically, one more request on every page view.
test('the settings chunk imports no other chunk statically', () => {
  const m = JSON.parse(readFileSync(join(dist, '.vite/settings-manifest.json'), 'utf8')) as Record<
    string,
    Chunk
  >
  expect(m['widget/config/settings.ts']?.imports ?? []).toEqual([])
  expect(m['widget/config/settings.ts']?.dynamicImports).toEqual(['widget/teaser/trigger.ts'])
})
