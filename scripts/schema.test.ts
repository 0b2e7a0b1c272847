import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { NODES, parseConfig } from '../widget/config/schema'
import { botConfigJsonSchema } from './schema'

describe('the published JSON Schema', () => {
  it('is the one generated from the widget schema (run `npm run schema` after changing it)', () => {
    expect(readFileSync('schema/bot-config.schema.json', 'utf8')).toBe(botConfigJsonSchema())
  })

  it('describes every node type the widget accepts, and refuses unknown keys', () => {
    const schema = JSON.parse(botConfigJsonSchema())
    const variants = schema.properties.flows.items.properties.nodes.items.oneOf as {
      properties: { type: { const: string } }
      additionalProperties: boolean
    }[]
    // Every entry of the schema's node registry, each under its own name.
    expect(variants.map((n) => n.properties.type.const).sort()).toEqual(Object.keys(NODES).sort())
    expect(Object.keys(NODES)).toContain('split')
    expect(variants.every((n) => n.additionalProperties === false)).toBe(true)
  })
})

describe('the demo templates', () => {
  for (const file of readdirSync('demo/templates').filter((f) => f.endsWith('.json'))) {
    it(`${file} is a valid document`, () => {
      const text = readFileSync(`demo/templates/${file}`, 'utf8').replaceAll(
        '{origin}',
        'http://127.0.0.1:8787',
      )
      const r = parseConfig(JSON.parse(text))
      expect('issues' in r ? r.issues : []).toEqual([])
    })
  }
})
