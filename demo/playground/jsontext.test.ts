import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { lineOf, locate, pretty, scan } from './jsontext'

const template = (name: string) => readFileSync(`demo/templates/${name}.json`, 'utf8')

describe('scan', () => {
  it('finds each value by the dot path valibot gives an issue', () => {
    const text =
      '{\n  "flows": [\n    { "id": "a", "nodes": [{ "id": "x", "next": "nowhere" }] }\n  ]\n}'
    const s = scan(text)
    if (!s.ok) throw new Error(s.message)
    const span = locate(s.spans, 'flows.0.nodes.0.next')
    expect(span && text.slice(span.start, span.end)).toBe('"next": "nowhere"')
    expect(span && lineOf(text, span.start)).toEqual({ line: 3, column: 41 })
    // A missing property points at the object that lacks it.
    const parent = locate(s.spans, 'flows.0.nodes.0.text')
    expect(parent && text.slice(parent.start, parent.end)).toBe('{ "id": "x", "next": "nowhere" }')
    expect(locate(s.spans, '')).toEqual({ start: 0, end: text.length })
  })

  it.each([
    ['{"a":1,}', 7, 'expected a property name in double quotes'],
    ['{"a" 1}', 5, 'expected ":" after the property name'],
    ['[1,2', 4, 'expected "," or "]"'],
    ['{"a":"x\ny"}', 7, 'a line break or control character inside a string'],
    ['{"a":"\\x"}', 6, 'a bad escape in a string'],
    ['{} x', 3, 'unexpected text after the document'],
    ['', 0, 'the document ends too early'],
  ])('places the syntax error of %j', (text, pos, message) => {
    expect(scan(text)).toEqual({ ok: false, pos, message })
    expect(() => JSON.parse(text)).toThrow()
  })

  it('accepts what JSON.parse accepts', () => {
    for (const text of ['1', '"s"', 'null', '[]', '{}', '[-0.5e+3, true, false, "\\u00e9\\n"]'])
      expect(scan(text).ok).toBe(true)
  })
})

describe('pretty', () => {
  it.each(['appointment', 'lead-capture', 'outdoor-shop', 'support-triage'])(
    'prints the %s template as the same value, short objects on one line',
    (name) => {
      const value = JSON.parse(template(name))
      const text = pretty(value)
      expect(JSON.parse(text)).toEqual(value)
      expect(scan(text).ok).toBe(true)
      for (const line of text.split('\n'))
        if (line.trim().startsWith('{') && line.trim().endsWith('}'))
          expect(line.length).toBeLessThanOrEqual(72)
    },
  )
  it('keeps two-space indents, breaks what is too long for one line, ends with a newline', () => {
    const long = 'x'.repeat(80)
    expect(pretty({ a: [1, 2], b: { c: long }, d: {} })).toBe(
      `{\n  "a": [1, 2],\n  "b": {\n    "c": "${long}"\n  },\n  "d": {}\n}\n`,
    )
  })
})
