/**
 * The documentation holds together: README.md stays short enough to read, every
 * relative link of README.md, CONTRIBUTING.md and docs/*.md reaches a file that
 * exists (and, with `#anchor`, a heading of it, by GitHub's heading ids), and every
 * place the code names a section of a doc (`README, "Embed"`,
 * `docs/configuration.md, "Validation limits"`) names one that exists.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** The markdown files a reader of the repository follows links between. */
const DOCS = [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
]

/** README.md's limit in bytes (15 KiB): details belong in docs/. */
const README_MAX = 15 * 1024

/** The markdown of `text` without fenced code blocks and inline code spans, line numbers kept. */
function prose(text: string): string[] {
  let fence = false
  return text.split('\n').map((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fence = !fence
      return ''
    }
    return fence ? '' : line.replace(/(`+)[^`]*?\1/g, '')
  })
}

/**
 * GitHub's id for a heading: its text (link targets and code marks dropped),
 * lower-cased, every character but letters, digits, `-`, `_` and spaces removed,
 * each space then a `-`; a repeated id gets `-1`, `-2`, ….
 */
function slug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/`/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-')
}

/** The headings of a markdown document, in order, as written (outside code blocks). */
function headings(text: string): string[] {
  let fence = false
  const out: string[] = []
  for (const line of text.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fence = !fence
    const m = fence ? null : /^#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line)
    if (m) out.push(m[1] ?? '')
  }
  return out
}

/** Every anchor a link may name in a document: heading ids (duplicates numbered) and `<a id|name>`. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>()
  const out = new Set<string>()
  for (const h of headings(text)) {
    const base = slug(h)
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    out.add(n ? `${base}-${n}` : base)
  }
  for (const m of text.matchAll(/<a\s[^>]*(?:id|name)="([^"]+)"/g)) out.add(m[1] ?? '')
  return out
}

/** Link targets of a markdown document, with their line: inline links, images and reference definitions. */
function links(text: string): { target: string; line: number }[] {
  const out: { target: string; line: number }[] = []
  prose(text).forEach((line, i) => {
    for (const m of line.matchAll(/\]\(\s*(<[^>]*>|[^\s)]+)(?:\s+"[^"]*")?\s*\)/g))
      out.push({ target: (m[1] ?? '').replace(/^<|>$/g, ''), line: i + 1 })
    const def = /^\s{0,3}\[[^\]]+\]:\s*(\S+)/.exec(line)
    if (def) out.push({ target: def[1] ?? '', line: i + 1 })
  })
  return out
}

/** Why a link of `from` (a repository path) is broken, or undefined when it is not. */
function broken(from: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) return undefined
  const [path = '', anchor] = target.split('#', 2)
  const file = path ? join(dirname(join(root, from)), decodeURIComponent(path)) : join(root, from)
  if (!existsSync(file)) return `no file ${relative(root, file)}`
  if (anchor === undefined || statSync(file).isDirectory() || !file.endsWith('.md')) return
  if (!anchors(readFileSync(file, 'utf8')).has(decodeURIComponent(anchor)))
    return `no heading #${anchor} in ${relative(root, file)}`
}

/** Source files whose comments and messages point readers to the docs. */
function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`
    if (e.isDirectory())
      return e.name === 'node_modules' || e.name.startsWith('.') ? [] : sources(path)
    return /\.(ts|tsx|js)$/.test(e.name) ? [path] : []
  })
}
const SOURCES = [
  ...['loader', 'widget', 'npm', 'demo', 'scripts', 'e2e', 'bench']
    .flatMap(sources)
    .filter((f) => f !== 'scripts/docs.test.ts'),
  ...readdirSync(root).filter((f) => /\.ts$/.test(f)),
]

describe('slug, anchors and links', () => {
  it('give GitHub’s heading ids', () => {
    expect(slug('Security, CSP and privacy')).toBe('security-csp-and-privacy')
    expect(slug('`PUT {api}/inbox/direct/lead` — create or update a lead')).toBe(
      'put-apiinboxdirectlead--create-or-update-a-lead',
    )
    expect(slug('The `data_mode` [attribute](x.md)')).toBe('the-data_mode-attribute')
    expect([...anchors('# A\n\n```\n# not a heading\n```\n## A\n')]).toEqual(['a', 'a-1'])
  })

  it('find the links outside code, and report the broken ones', () => {
    const md =
      'See [a](docs/x.md#y) and ![b](<p q.png> "t").\n`[c](no.md)`\n```\n[d](no.md)\n```\n[e]: f.md\n'
    expect(links(md)).toEqual([
      { target: 'docs/x.md#y', line: 1 },
      { target: 'p q.png', line: 1 },
      { target: 'f.md', line: 6 },
    ])
    expect(broken('README.md', 'docs/nowhere.md')).toBe('no file docs/nowhere.md')
    expect(broken('README.md', '#no-such-heading')).toBe('no heading #no-such-heading in README.md')
    expect(broken('README.md', 'https://example.com/#x')).toBeUndefined()
  })
})

describe('the documentation', () => {
  it('README.md is at most 15 KiB', () => {
    expect(statSync(join(root, 'README.md')).size).toBeLessThanOrEqual(README_MAX)
  })

  it('README.md starts with the commands that run the demo and the tests, and both exist', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8')
    const first = /```sh\n([\s\S]*?)```/.exec(readme.split('\n').slice(0, 8).join('\n'))?.[1]
    expect(first).toMatch(/npm run demo/)
    expect(first).toMatch(/^npm test/m)
    const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts
    expect(Object.keys(scripts)).toEqual(expect.arrayContaining(['demo', 'test']))
  })

  it.each(DOCS)('%s: every relative link reaches a file and heading that exist', (doc) => {
    const problems = links(readFileSync(join(root, doc), 'utf8'))
      .map(({ target, line }) => ({ line, target, why: broken(doc, target) }))
      .filter((p) => p.why)
    expect(problems).toEqual([])
  })

  it('every `npm run <script>` the docs mention is a script of package.json', () => {
    const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts
    const missing = DOCS.flatMap((doc) =>
      [...readFileSync(join(root, doc), 'utf8').matchAll(/npm run ([\w:-]+)/g)]
        .map((m) => m[1] ?? '')
        .filter((name) => !(name in scripts))
        .map((name) => `${doc}: npm run ${name}`),
    )
    expect(missing).toEqual([])
  })

  it('every doc section the code and the docs name (README, "Embed") is a heading of that doc', () => {
    const named = [...SOURCES, ...DOCS].flatMap((file) =>
      [
        ...readFileSync(join(root, file), 'utf8').matchAll(
          /\b(README|CONTRIBUTING|(?:docs\/)?[\w-]+\.md)(?:\.md)?,? "([^"\n]+)"/g,
        ),
      ].map((m) => ({ file, doc: m[1] ?? '', section: m[2] ?? '' })),
    )
    expect(named.length).toBeGreaterThan(0)
    const problems = named.filter(({ doc, section }) => {
      const path = /\.md$/.test(doc) ? doc : `${doc}.md`
      if (!existsSync(join(root, path))) return true
      const titles = headings(readFileSync(join(root, path), 'utf8')).map((h) =>
        h.replace(/`/g, '').toLowerCase(),
      )
      return !titles.some((t) => t.startsWith(section.toLowerCase()))
    })
    expect(problems).toEqual([])
  })

  it('every docs/*.md file the code names exists', () => {
    const missing = SOURCES.flatMap((file) =>
      [...readFileSync(join(root, file), 'utf8').matchAll(/\bdocs\/[\w-]+\.md\b/g)]
        .map((m) => m[0])
        .filter((path) => !existsSync(join(root, path)))
        .map((path) => `${file}: ${path}`),
    )
    expect(missing).toEqual([])
  })
})
