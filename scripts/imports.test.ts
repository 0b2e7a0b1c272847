/**
 * The source's import graph keeps the layering CONTRIBUTING.md describes: the
 * contract (`loader/protocol.ts`) imports nothing, nothing imports in a circle
 * (type-only imports count: they tie modules together for a reader as much as
 * value imports; a dynamic `import()` is a chunk boundary and does not), the
 * loader bundles no UI library, the chat's core logic (`widget/core`) no
 * Preact, neither directly nor through `widget/ui`, and the FAQ chunk
 * (`widget/faq`) stays a lazy chunk of its own.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '..')
const DIRS = ['loader', 'widget', 'npm']

/** Every source file (not tests, fakes or declarations) under `dir`, relative to the root. */
function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(join(root, path)).isDirectory()) return sources(path)
    return /\.tsx?$/.test(name) && !/\.(test|fake|d)\.tsx?$/.test(name) ? [path] : []
  })
}

/** The static imports and re-exports of a file (type-only ones too), as written. */
function specifiers(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8')
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false)
  return sf.statements.flatMap((s) =>
    (ts.isImportDeclaration(s) || ts.isExportDeclaration(s)) &&
    s.moduleSpecifier &&
    ts.isStringLiteral(s.moduleSpecifier)
      ? [s.moduleSpecifier.text]
      : [],
  )
}

/** A relative specifier as a file of the repository; a package name as itself. */
function target(from: string, spec: string): string {
  if (!spec.startsWith('.')) return spec
  const base = join(dirname(from), spec.replace(/\?.*$/, '').replace(/\.js$/, ''))
  for (const candidate of [
    base,
    `${base}.ts`,
    `${base}.tsx`,
    join(base, 'index.ts'),
    join(base, 'index.tsx'),
  ])
    if (existsSync(join(root, candidate)) && statSync(join(root, candidate)).isFile())
      return relative(root, join(root, candidate))
  throw new Error(`${from}: cannot resolve ${spec}`)
}

const graph = new Map<string, string[]>()
for (const file of DIRS.flatMap(sources))
  graph.set(
    file,
    specifiers(file).map((s) => target(file, s)),
  )

/** Every module `file` reaches through static imports, itself excluded. */
function reach(file: string, seen = new Set<string>()): Set<string> {
  for (const next of graph.get(file) ?? []) {
    if (seen.has(next)) continue
    seen.add(next)
    reach(next, seen)
  }
  return seen
}

/** The import cycles, each as the path of files around it (empty when there are none). */
function cycles(): string[][] {
  const found: string[][] = []
  const state = new Map<string, 'open' | 'done'>()
  const stack: string[] = []
  const visit = (file: string) => {
    state.set(file, 'open')
    stack.push(file)
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next])
      else if (!state.has(next)) visit(next)
    }
    stack.pop()
    state.set(file, 'done')
  }
  for (const file of graph.keys()) if (!state.has(file)) visit(file)
  return found
}

/**
 * Preact and its integrations. `@preact/signals-core` is not one: it is the
 * framework-free reactive core the chat's state is made of (widget/core/state.ts).
 */
const isPreact = (m: string) =>
  m === 'preact' ||
  m.startsWith('preact/') ||
  (m.startsWith('@preact/') && m !== '@preact/signals-core')

describe('the import graph', () => {
  it('reads every source file of loader/, widget/ and npm/', () => {
    expect(graph.size).toBeGreaterThan(40)
    expect(graph.get('widget/index.ts')).toContain('widget/core/actions.ts')
  })

  it('has no cycle, counting type-only imports', () => {
    expect(cycles()).toEqual([])
  })

  it('the contract, loader/protocol.ts, imports nothing', () => {
    expect(graph.get('loader/protocol.ts')).toEqual([])
  })

  it('the loader imports nothing from widget/ and no UI library', () => {
    for (const file of sources('loader')) {
      const reached = [...reach(file)]
      expect(
        reached.filter((m) => m.startsWith('widget/')),
        file,
      ).toEqual([])
      expect(reached.filter(isPreact), file).toEqual([])
    }
  })

  it('the FAQ chunk, widget/faq, is imported statically by nothing outside it, and imports only its own files and its two libraries', () => {
    const faq = sources('widget/faq')
    expect(faq).toContain('widget/faq/index.ts')
    for (const [file, imports] of graph)
      if (!file.startsWith('widget/faq/'))
        expect(
          imports.filter((m) => m.startsWith('widget/faq/')),
          file,
        ).toEqual([])
    const lang = (m: string) => m.startsWith('widget/faq/lang/')
    for (const file of faq.filter((f) => !lang(f)))
      expect(
        [...reach(file)].filter(
          (m) =>
            !m.startsWith('widget/faq/') && m !== 'stemmer' && m !== 'minisearch/SearchableMap',
        ),
        file,
      ).toEqual([])
    // Each language's stemmer and stop words are their own chunk: the FAQ chunk loads them by import().
    expect(faq.filter(lang)).toContain('widget/faq/lang/faq-fr.ts')
    expect([...reach('widget/faq/index.ts')].filter(lang)).toEqual([])
    for (const file of faq.filter(lang))
      expect(
        [...reach(file)].filter((m) => !/^@orama\/(stemmers|stopwords)\/[a-z]+$/.test(m)),
        file,
      ).toEqual([])
  })

  it('widget/core imports no Preact, directly or through widget/ui', () => {
    for (const file of sources('widget/core')) {
      const reached = [...reach(file)]
      expect(reached.filter(isPreact), file).toEqual([])
      expect(
        reached.filter((m) => m.startsWith('widget/ui/')),
        file,
      ).toEqual([])
    }
  })
})
