/**
 * JSON text helpers of the document editor: where each value is in the text
 * (so an issue's path, `flows.0.nodes.3.next`, points at a line), where a syntax
 * error is, and a compact pretty-printer (short objects and arrays on one line).
 */

/** Where a value is in the text: offsets of its first character and after its last. */
export interface Span {
  start: number
  end: number
}
/** What {@link scan} found: each value's span by path, or the offset and reason of a syntax error. */
export type Scan =
  | { ok: true; spans: Map<string, Span> }
  | { ok: false; pos: number; message: string }

/** Whether a JSON value is an object (not `null`, not an array). */
export const isRecord = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v)

/** A syntax error of {@link scan} at offset `pos` of the text. */
class SyntaxAt extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message)
  }
}

/**
 * Scans JSON text. For each value, the span from its key (or its first character
 * in an array or at the top) to its end, by dot path as valibot's `getDotPath`
 * writes it (`settings.design.primaryColor`, `flows.0.nodes.2`; the document is
 * `''`). A syntax error gives its offset and what was expected.
 */
export function scan(text: string): Scan {
  let i = 0
  const spans = new Map<string, Span>()
  const fail = (message: string): never => {
    throw new SyntaxAt(message, i)
  }
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text.charAt(i))) i++
  }
  const string = () => {
    const s = i++
    for (;;) {
      const c = text[i]
      if (c === undefined) fail('a string is not closed')
      else if (c === '"') break
      else if (c === '\\') {
        const e = text[i + 1]
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6
        else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2
        else fail('a bad escape in a string')
      } else if (c < ' ') fail('a line break or control character inside a string')
      else i++
    }
    i++
    return String(JSON.parse(text.slice(s, i)))
  }
  const literal = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y
  const value = (path: string, from?: number) => {
    ws()
    const start = i
    const c = text[i]
    if (c === '{') {
      i++
      ws()
      if (text[i] === '}') i++
      else
        for (;;) {
          ws()
          if (text[i] !== '"') fail('expected a property name in double quotes')
          const keyAt = i
          const key = string()
          ws()
          if (text[i] !== ':') fail('expected ":" after the property name')
          i++
          value(path ? `${path}.${key}` : key, keyAt)
          ws()
          if (text[i] === ',') {
            i++
            continue
          }
          if (text[i] === '}') {
            i++
            break
          }
          fail('expected "," or "}"')
        }
    } else if (c === '[') {
      i++
      ws()
      if (text[i] === ']') i++
      else
        for (let n = 0; ; n++) {
          value(path ? `${path}.${n}` : String(n))
          ws()
          if (text[i] === ',') {
            i++
            continue
          }
          if (text[i] === ']') {
            i++
            break
          }
          fail('expected "," or "]"')
        }
    } else if (c === '"') string()
    else {
      literal.lastIndex = i
      const m = literal.exec(text)
      if (!m)
        fail(c === undefined ? 'the document ends too early' : `unexpected ${JSON.stringify(c)}`)
      else i += m[0].length
    }
    spans.set(path, { start: from ?? start, end: i })
  }
  try {
    value('')
    ws()
    if (i < text.length) fail('unexpected text after the document')
    return { ok: true, spans }
  } catch (e) {
    // Not only a syntax error: a document nested too deep overflows the stack.
    const pos = e instanceof SyntaxAt ? e.pos : i
    return { ok: false, pos, message: e instanceof Error ? e.message : String(e) }
  }
}

/** 1-based line and column of an offset. */
export function lineOf(text: string, pos: number): { line: number; column: number } {
  const before = text.slice(0, pos)
  const line = before.split('\n').length
  return { line, column: pos - before.lastIndexOf('\n') }
}

/**
 * The span of `path`, or of its nearest ancestor in the text (a missing property
 * points at the object that lacks it).
 */
export function locate(spans: Map<string, Span>, path: string): Span | undefined {
  const parts = path ? path.split('.') : []
  for (let n = parts.length; n >= 0; n--) {
    const span = spans.get(parts.slice(0, n).join('.'))
    if (span) return span
  }
  return undefined
}

/**
 * JSON with two-space indents, where objects and arrays that fit in `width`
 * characters stay on one line (`{ "id": "end", "type": "end" }`).
 */
export function pretty(value: unknown, width = 72): string {
  const out = (v: unknown, pad: string): string => {
    if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null'
    const entries: [string, unknown][] = Array.isArray(v)
      ? v.map((x: unknown) => ['', x])
      : Object.entries(v).filter(([, x]) => x !== undefined)
    const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}']
    if (!entries.length) return open + close
    const key = (k: string) => (Array.isArray(v) ? '' : `${JSON.stringify(k)}: `)
    const flat = inline(v)
    if (flat.length + pad.length <= width && !flat.includes('\n')) return flat
    const inner = `${pad}  `
    return `${open}\n${entries.map(([k, x]) => inner + key(String(k)) + out(x, inner)).join(',\n')}\n${pad}${close}`
  }
  const inline = (v: unknown): string => {
    if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null'
    if (Array.isArray(v)) return v.length ? `[${v.map(inline).join(', ')}]` : '[]'
    const e = Object.entries(v).filter(([, x]) => x !== undefined)
    return e.length
      ? `{ ${e.map(([k, x]) => `${JSON.stringify(k)}: ${inline(x)}`).join(', ')} }`
      : '{}'
  }
  return `${out(value, '')}\n`
}
