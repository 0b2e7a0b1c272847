// @ts-check
/**
 * JSON text helpers of the document editor: where each value is in the text
 * (so an issue's path, `flows.0.nodes.3.next`, points at a line), where a syntax
 * error is, and a compact pretty-printer (short objects and arrays on one line).
 */

/** @typedef {{ start: number, end: number }} Span */
/** @typedef {{ ok: true, spans: Map<string, Span> } | { ok: false, pos: number, message: string }} Scan */

/**
 * Scans JSON text. For each value, the span from its key (or its first character
 * in an array or at the top) to its end, by dot path as valibot's `getDotPath`
 * writes it (`settings.design.primaryColor`, `flows.0.nodes.2`; the document is
 * `''`). A syntax error gives its offset and what was expected.
 * @param {string} text
 * @returns {Scan}
 */
export function scan(text) {
  let i = 0
  /** @type {Map<string, Span>} */
  const spans = new Map()
  /** @param {string} message */
  const fail = (message) => {
    throw Object.assign(new Error(message), { pos: i })
  }
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(/** @type {string} */ (text[i]))) i++
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
    return /** @type {string} */ (JSON.parse(text.slice(s, i)))
  }
  const literal = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y
  /** @param {string} path @param {number} [from] */
  const value = (path, from) => {
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
    const err = /** @type {Error & { pos?: number }} */ (e)
    return { ok: false, pos: err.pos ?? i, message: err.message }
  }
}

/** 1-based line and column of an offset. @param {string} text @param {number} pos */
export function lineOf(text, pos) {
  const before = text.slice(0, pos)
  const line = before.split('\n').length
  return { line, column: pos - before.lastIndexOf('\n') }
}

/**
 * The span of `path`, or of its nearest ancestor in the text (a missing property
 * points at the object that lacks it).
 * @param {Map<string, Span>} spans @param {string} path
 */
export function locate(spans, path) {
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
 * @param {unknown} value @param {number} [width]
 */
export function pretty(value, width = 72) {
  /** @param {unknown} v @param {string} pad @returns {string} */
  const out = (v, pad) => {
    if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null'
    const entries = Array.isArray(v)
      ? v.map((x) => ['', x])
      : Object.entries(v).filter(([, x]) => x !== undefined)
    const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}']
    if (!entries.length) return open + close
    /** @param {string} k */
    const key = (k) => (Array.isArray(v) ? '' : `${JSON.stringify(k)}: `)
    const flat = inline(v)
    if (flat.length + pad.length <= width && !flat.includes('\n')) return flat
    const inner = `${pad}  `
    return `${open}\n${entries.map(([k, x]) => inner + key(String(k)) + out(x, inner)).join(',\n')}\n${pad}${close}`
  }
  /** @param {unknown} v @returns {string} */
  const inline = (v) => {
    if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null'
    if (Array.isArray(v)) return v.length ? `[${v.map(inline).join(', ')}]` : '[]'
    const e = Object.entries(v).filter(([, x]) => x !== undefined)
    return e.length
      ? `{ ${e.map(([k, x]) => `${JSON.stringify(k)}: ${inline(x)}`).join(', ')} }`
      : '{}'
  }
  return `${out(value, '')}\n`
}
