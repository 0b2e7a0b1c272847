/**
 * What a trigger's teaser says: the document's `triggers.message`, else the bot's
 * first message as the visitor reads it (./trigger.ts).
 */
import { describe, expect, it } from 'vitest'
import { TEASER_MAX_LENGTH } from '../../loader/protocol'
import { localizeDocument } from '../config/locale'
import { parseConfig } from '../config/schema'
import { plainText, teaserText } from './trigger'

describe('teaserText', () => {
  const config = (over: Record<string, unknown>, settings: unknown = {}) => {
    const r = parseConfig({ version: 1, settings, ...over })
    if ('issues' in r) throw new Error(JSON.stringify(r.issues))
    return localizeDocument(r.config, 'en')
  }
  const hello = { flows: [{ id: 'main', nodes: [{ id: 'hi', type: 'message', text: 'Hello' }] }] }

  it('is triggers.message when set, which the chat must be asked to say', () => {
    expect(teaserText(config(hello, { triggers: { message: 'Pricing questions?' } }))).toEqual({
      text: 'Pricing questions?',
      own: false,
    })
  })

  it('is the welcome message, as plain text, which the chat says by itself', () => {
    const c = config(hello, { general: { welcome: "Hi! 👋 I'm the **Sunny Roofs** assistant." } })
    expect(teaserText(c)).toEqual({ text: "Hi! 👋 I'm the Sunny Roofs assistant.", own: true })
  })

  it('is the first text of the start flow, past actions and through jumps', () => {
    const c = config({
      start: 'b',
      flows: [
        { id: 'a', nodes: [{ id: 'a1', type: 'message', text: 'Not the start flow' }] },
        {
          id: 'b',
          nodes: [
            { id: 'b1', type: 'tag', add: ['teased'] },
            { id: 'b2', type: 'jump', flow: 'c' },
          ],
        },
        {
          id: 'c',
          nodes: [
            { id: 'c1', type: 'attribute', key: 'seen', value: 'yes' },
            {
              id: 'c2',
              type: 'ask',
              input: 'name',
              text: 'Hi {name}, *what* is your [name](https://example.com)?',
            },
          ],
        },
      ],
    })
    expect(teaserText(c)).toEqual({ text: 'Hi, what is your name?', own: true })
  })

  it('is undefined when the flow starts with something other than text, or goes round in circles', () => {
    const image = config({
      flows: [
        { id: 'm', nodes: [{ id: 'i', type: 'image', src: 'https://x.example/a.png', alt: 'A' }] },
      ],
    })
    expect(teaserText(image)).toBeUndefined()
    const loop = config({
      flows: [
        {
          id: 'm',
          nodes: [
            { id: 'j', type: 'jump', to: 'k' },
            { id: 'k', type: 'jump', to: 'j' },
          ],
        },
      ],
    })
    expect(teaserText(loop)).toBeUndefined()
  })

  it('cuts a long first message to the teaser’s length', () => {
    const long = 'word '.repeat(200)
    const c = config({ flows: [{ id: 'm', nodes: [{ id: 'a', type: 'message', text: long }] }] })
    const text = teaserText(c)?.text ?? ''
    expect(text).toHaveLength(TEASER_MAX_LENGTH)
    expect(text.endsWith('…')).toBe(true)
    expect(plainText('**Hi**')).toBe('Hi')
  })
})
