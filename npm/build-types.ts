/**
 * Writes `dist/npm/index.d.ts`, the package's types, as one self-contained file
 * (`npm run build:npm`, after the Vite build of the entry).
 *
 * TypeScript emits the declarations of `npm/index.ts` (compiler options from
 * `tsconfig.npm.json`) and of `loader/protocol.ts`; the protocol types the entry
 * uses are then inlined, with the types they need, so the shipped file imports
 * nothing. `loader/protocol.ts` is also the loader↔widget contract and may import
 * widget internals: the build fails, naming the type, when a public type comes to
 * depend on one of them, instead of shipping a declaration that points nowhere.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'

const root = resolve(dirname(new URL(import.meta.url).pathname), '..')
const entry = join(root, 'npm/index.ts')
const out = join(root, 'dist/npm/index.d.ts')

function fail(message: string): never {
  throw new Error(`build-types: ${message}`)
}

const diagnosticsText = (list: readonly ts.Diagnostic[]) =>
  ts.formatDiagnostics(list, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => root,
    getNewLine: () => '\n',
  })

/**
 * The declarations TypeScript emits for a module of the program (compiler options
 * from `tsconfig.npm.json`), by source path without extension, e.g. `npm/index`.
 */
function declarations(): (key: string) => ts.SourceFile | undefined {
  const { config, error } = ts.readConfigFile(join(root, 'tsconfig.npm.json'), ts.sys.readFile)
  if (error) fail(diagnosticsText([error]))
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, root)
  if (parsed.errors.length) fail(diagnosticsText(parsed.errors))
  const program = ts.createProgram(parsed.fileNames, {
    ...parsed.options,
    declaration: true,
    emitDeclarationOnly: true,
    noEmit: false,
  })
  const source = program.getSourceFile(entry) ?? fail(`${entry} is not in tsconfig.npm.json`)
  // Only the entry must type-check here; the rest of the repo is checked by `npm run typecheck`.
  const problems = ts.getPreEmitDiagnostics(program, source)
  if (problems.length) fail(diagnosticsText(problems))
  const cache = new Map<string, ts.SourceFile | undefined>()
  return (key) => {
    if (cache.has(key)) return cache.get(key)
    const file = program.getSourceFile(join(root, `${key}.ts`))
    let dts: ts.SourceFile | undefined
    if (file) {
      const result = program.emit(
        file,
        (name, text) => {
          if (name.endsWith('.d.ts'))
            dts = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true)
        },
        undefined,
        true,
      )
      if (result.diagnostics.length) fail(diagnosticsText(result.diagnostics))
    }
    cache.set(key, dts)
    return dts
  }
}

/** Every identifier under `node`. */
function identifiers(node: ts.Node, into = new Set<string>()): Set<string> {
  if (ts.isIdentifier(node)) into.add(node.text)
  ts.forEachChild(node, (child) => void identifiers(child, into))
  return into
}

/** `node`'s text with its leading JSDoc, without an `export` modifier. */
function text(node: ts.Statement, file: ts.SourceFile): string {
  const full = file.text.slice(node.getFullStart(), node.end)
  const exported = ts.canHaveModifiers(node)
    ? ts.getModifiers(node)?.find((m) => m.kind === ts.SyntaxKind.ExportKeyword)
    : undefined
  if (!exported) return full.trim()
  const at = exported.getStart(file) - node.getFullStart()
  return (full.slice(0, at) + full.slice(exported.end - node.getFullStart()).trimStart()).trim()
}

/** The module a relative specifier of `from` (a source path without extension) names. */
const target = (from: string, specifier: string) =>
  join(dirname(from), specifier).replace(/\.(js|ts)$/, '')

function bundle(emitted: (key: string) => ts.SourceFile | undefined): string {
  const index = emitted('npm/index') ?? fail('no declarations for npm/index.ts')
  /** Names the entry takes from other modules: name → module key. */
  const wanted = new Map<string, string>()
  const publicNames: string[] = []
  const own: string[] = []
  let reexportDoc: string | undefined
  for (const s of index.statements) {
    const spec =
      (ts.isImportDeclaration(s) || ts.isExportDeclaration(s)) &&
      s.moduleSpecifier &&
      ts.isStringLiteral(s.moduleSpecifier)
        ? s.moduleSpecifier.text
        : undefined
    if (spec === undefined) {
      // The entry's own declarations, `export` and JSDoc included.
      own.push(index.text.slice(s.getFullStart(), s.end).trim())
      continue
    }
    if (!spec.startsWith('.'))
      fail(`npm/index.ts uses "${spec}"; the package's types import nothing`)
    const from = target('npm/index', spec)
    if (ts.isImportDeclaration(s)) {
      const bindings = s.importClause?.namedBindings
      if (s.importClause?.name || !bindings || !ts.isNamedImports(bindings))
        fail(`npm/index.ts: use named type imports from "${spec}"`)
      for (const e of bindings.elements) wanted.set(e.name.text, from)
    } else if (ts.isExportDeclaration(s)) {
      const clause = s.exportClause
      if (!clause || !ts.isNamedExports(clause))
        fail(`npm/index.ts: use named re-exports from "${spec}"`)
      reexportDoc = ts
        .getLeadingCommentRanges(index.text, s.getFullStart())
        ?.map((r) => index.text.slice(r.pos, r.end))
        .join('\n')
      for (const e of clause.elements) {
        if (e.propertyName)
          fail(`npm/index.ts: re-export ${e.propertyName.text} under its own name`)
        wanted.set(e.name.text, from)
        publicNames.push(e.name.text)
      }
    }
  }

  const inlined: string[] = []
  const done = new Set<string>()
  const globals = new Set<string>()
  const visit = (name: string, key: string, via: string) => {
    if (done.has(`${key}#${name}`)) return
    done.add(`${key}#${name}`)
    const file = emitted(key) ?? fail(`${via} needs ${name} from ${key}, which has no declarations`)
    /** Names this module imports: name → module key, or the bare specifier. */
    const imports = new Map<string, string>()
    const local = new Map<string, ts.Statement>()
    for (const s of file.statements) {
      if (ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier)) {
        const spec = s.moduleSpecifier.text
        const from = spec.startsWith('.') ? target(key, spec) : spec
        const clause = s.importClause
        if (clause?.name) imports.set(clause.name.text, from)
        const bindings = clause?.namedBindings
        if (bindings && ts.isNamespaceImport(bindings)) imports.set(bindings.name.text, from)
        if (bindings && ts.isNamedImports(bindings))
          for (const e of bindings.elements) imports.set(e.name.text, from)
      } else if (ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)) {
        local.set(s.name.text, s)
      } else if (
        ts.isModuleDeclaration(s) &&
        s.name.text === 'global' &&
        [...identifiers(s)].includes(name)
      ) {
        globals.add(text(s, file))
      }
    }
    const statement = local.get(name)
    if (!statement) {
      const from = imports.get(name)
      fail(
        from
          ? `the public type ${via} uses ${name} from ${from}, which the package does not ship`
          : `${key} declares no interface or type ${name} (needed by ${via})`,
      )
    }
    if (key !== 'npm/index') inlined.push(text(statement, file))
    for (const id of identifiers(statement)) {
      if (id === name) continue
      if (local.has(id)) visit(id, key, via)
      else if (imports.has(id)) {
        const from = imports.get(id) as string
        if (!emitted(from))
          fail(`the public type ${via} uses ${id} from ${from}, which the package does not ship`)
        visit(id, from, via)
      }
    }
  }
  for (const [name, key] of wanted) visit(name, key, name)

  const header = `/**
 * reekolect-messenger-widget: \`load()\` for bundler users, and the types of
 * \`window.Reekolect\`. Generated by npm/build-types.ts from npm/index.ts and
 * loader/protocol.ts; do not edit.
 */`
  const reexport = `export type { ${publicNames.join(', ')} };`
  return [
    header,
    ...inlined,
    ...globals,
    ...own,
    reexportDoc ? `${reexportDoc}\n${reexport}` : reexport,
    '',
  ].join('\n\n')
}

/** Type-checks the generated file on its own, as a consumer's compiler would read it. */
function check(file: string) {
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    types: [],
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
  })
  const problems = ts.getPreEmitDiagnostics(program)
  if (problems.length) fail(diagnosticsText(problems))
}

const dts = bundle(declarations())
mkdirSync(dirname(out), { recursive: true })
writeFileSync(out, dts)
check(out)
console.log(`build-types: ${relative(root, out)} (${dts.length} bytes)`)
