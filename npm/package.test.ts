/**
 * Pins what the npm package offers and ships: the entry's exports (values and
 * types), package.json's `exports`/`files`, and the file list of `npm pack`.
 * Changing any of it is a deliberate change of the public surface.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, posix } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

/** The package's exports, types included: a change here is a change of the public API. */
const surface = [
  'Command',
  'Commands',
  'Identity',
  'LoadOptions',
  'ReekolectApi',
  'WidgetConfig',
  'WidgetEvents',
  'load',
]

/** The sorted export names of a module, as a consumer's TypeScript sees them. */
function exportsOf(file: string): string[] {
  const program = ts.createProgram([file], {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    noEmit: true,
    types: [],
  })
  const source = program.getSourceFile(file)
  const checker = program.getTypeChecker()
  const module = source && checker.getSymbolAtLocation(source)
  if (!module) throw new Error(`${file} is not a module`)
  return checker
    .getExportsOfModule(module)
    .map((s) => s.name)
    .sort()
}

describe('the entry, reekolect-messenger-widget', () => {
  it('exports exactly load at run time', async () => {
    expect(Object.keys(await import('./index')).sort()).toEqual(['load'])
  })

  // A TypeScript program per file: slow on a loaded machine.
  it('exports exactly these names, types included, in the source and the built types', {
    timeout: 60_000,
  }, () => {
    expect(exportsOf(join(root, 'npm/index.ts'))).toEqual(surface)
    const dts = join(root, pkg.types)
    if (existsSync(dts)) expect(exportsOf(dts)).toEqual(surface)
  })

  it('can be imported without a DOM, and load() then rejects with E_LOAD', async () => {
    const { load } = await import('./index')
    await expect(load({ botId: 'b', customerId: 'c', src: '/Reekolect.js' })).rejects.toThrow(
      /^\[Reekolect\] E_LOAD: there is no document/,
    )
  })
})

describe('package.json', () => {
  it('maps the entry with its types, and the CDN files', () => {
    expect(pkg.exports).toEqual({
      '.': { types: './dist/npm/types/npm/index.d.ts', default: './dist/npm/index.js' },
      './Reekolect.js': './dist/Reekolect.js',
      './assets/*': './dist/assets/*',
      './page.html': './dist/page.html',
      './page.css': './dist/page.css',
      './package.json': './package.json',
    })
    expect(pkg.main).toBe('./dist/npm/index.js')
    expect(pkg.types).toBe('./dist/npm/types/npm/index.d.ts')
    expect(pkg.type).toBe('module')
    expect(pkg.sideEffects).toEqual(['./dist/Reekolect.js'])
    expect(pkg).not.toHaveProperty('private')
  })

  it('ships only what a user needs', () => {
    expect(pkg.files).toEqual([
      'dist/Reekolect.js',
      'dist/assets/',
      'dist/npm/',
      'dist/page.html',
      'dist/page.css',
      '!dist/**/*.map',
    ])
  })
})

describe('npm pack', () => {
  /** Files of the tarball, as `npm pack --dry-run` lists them (only files that exist: run `npm run build` for the full list). */
  const packed = (): string[] => {
    // stdout only: npm may print warnings on stderr.
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const [report] = JSON.parse(out) as { files: { path: string }[] }[]
    return (report?.files ?? []).map((f) => f.path).sort()
  }
  const allowed = [
    /^package\.json$/,
    /^README\.md$/,
    /^LICENSE$/,
    /^dist\/Reekolect\.js$/,
    /^dist\/assets\/[\w-]+\.js$/,
    /^dist\/npm\/index\.js$/,
    // Declarations as tsc emits them (tsconfig.npm.json): the entry's and the contract's.
    /^dist\/npm\/types\/(npm\/index|loader\/protocol|loader\/parseTag)\.d\.ts$/,
    /^dist\/page\.(html|css)$/,
  ]

  it('lists the intended files only', { timeout: 60_000 }, () => {
    const files = packed()
    expect(files).toContain('package.json')
    expect(files).toContain('README.md')
    expect(files.filter((f) => !allowed.some((re) => re.test(f)))).toEqual([])
    // Belt and braces: sources, tests, tooling and build by-products stay out.
    expect(
      files.filter((f) =>
        /^(demo|e2e|widget|loader|npm|bench|scripts|docs|dist\/demo|dist\/\.vite)\//.test(f),
      ),
    ).toEqual([])
    // Every file an export or `main`/`types` names is shipped, once built.
    const targets = [pkg.main, pkg.types, ...Object.values(pkg.exports)].flatMap((t) =>
      typeof t === 'string' ? [t] : Object.values(t),
    )
    for (const target of targets as string[]) {
      const file = posix.normalize(target).replace(/\*$/, '')
      if (existsSync(join(root, file)))
        expect(files.some((f) => f === file || (file.endsWith('/') && f.startsWith(file)))).toBe(
          true,
        )
    }
    // The shipped declarations import only shipped declarations.
    for (const dts of files.filter((f) => f.endsWith('.d.ts'))) {
      const text = readFileSync(join(root, dts), 'utf8')
      for (const [, spec = ''] of text.matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
        const target = posix.join(posix.dirname(dts), spec.replace(/\.js$/, '.d.ts'))
        expect(files, `${dts} imports ${spec}`).toContain(target)
      }
    }
  })
})
