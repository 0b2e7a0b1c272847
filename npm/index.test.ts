// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest'
import type * as Protocol from '../loader/protocol'
import type * as Entry from './index'

/** happy-dom's browser settings: scripts run (data: URLs below) only while a test is on. */
const settings = (window as unknown as { happyDOM: { settings: Record<string, unknown> } }).happyDOM
  .settings

/** A `src` whose script runs in the test page: a stand-in for Reekolect.js. */
const script = (code: string) => `data:text/javascript,${encodeURIComponent(code)}`

/** Defines `window.Reekolect` as the loader does, and records what the loader would read from its tag. */
const fakeLoader = script(`
  const tag = document.currentScript
  window.seen = { id: tag.id, text: tag.textContent, data: { ...tag.dataset }, nonce: tag.nonce }
  window.Reekolect = Object.assign(function () {}, { loaded: true })
`)

const tags = () => document.querySelectorAll('script#Reekolect-messenger-widget')
const ids = { botId: 'bot-1', customerId: 'customer_2' }

let load: typeof Entry.load

beforeEach(async () => {
  // The module remembers its promise: a fresh module graph is a fresh page.
  vi.resetModules()
  load = (await import('./index')).load
  settings.enableJavaScriptEvaluation = true
  settings.suppressInsecureJavaScriptEnvironmentWarning = true
})

afterEach(() => {
  for (const tag of tags()) tag.remove()
  delete window.Reekolect
  delete (window as { seen?: unknown }).seen
  settings.enableJavaScriptEvaluation = false
  vi.restoreAllMocks()
})

describe('load', () => {
  it('inserts the embed tag once, with the ids as its text and the options as attributes', async () => {
    const options: Entry.LoadOptions = {
      ...ids,
      src: fakeLoader,
      apiUrl: '/',
      token: 'demo-token',
      locale: 'pt-BR',
      configUrl: '/config.json',
      mode: 'page',
      retentionDays: 7,
      nonce: 'n0nce',
    }
    const first = load(options)
    const second = load({ ...ids, customerId: 'other', src: 'https://cdn.example/Reekolect.js' })
    expect(second).toBe(first)
    expect(tags()).toHaveLength(1)
    const tag = tags()[0] as HTMLScriptElement
    expect(tag.parentNode).toBe(document.head)
    expect(tag.textContent).toBe('bot-1,customer_2')
    expect(tag.getAttribute('src')).toBe(fakeLoader)
    expect(tag.defer).toBe(true)
    expect(tag.nonce).toBe('n0nce')
    expect({ ...tag.dataset }).toEqual({
      apiUrl: '/',
      token: 'demo-token',
      locale: 'pt-BR',
      configUrl: '/config.json',
      mode: 'page',
      retentionDays: '7',
    })
    await first
    // What the loader itself reads through document.currentScript.
    expect((window as { seen?: unknown }).seen).toEqual({
      id: 'Reekolect-messenger-widget',
      text: 'bot-1,customer_2',
      data: {
        apiUrl: '/',
        token: 'demo-token',
        locale: 'pt-BR',
        configUrl: '/config.json',
        mode: 'page',
        retentionDays: '7',
      },
      nonce: 'n0nce',
    })
    expect(load(ids as Entry.LoadOptions)).toBe(first)
    expect(tags()).toHaveLength(1)
  })

  it('sets no data attributes for options left out', async () => {
    await load({ ...ids, src: fakeLoader })
    const tag = tags()[0] as HTMLScriptElement
    expect(Object.keys(tag.dataset)).toEqual([])
    expect(tag.hasAttribute('nonce')).toBe(false)
  })

  it('resolves with window.Reekolect once the script has loaded', async () => {
    const pending = load({ ...ids, src: fakeLoader })
    expect(window.Reekolect).toBeUndefined()
    const api = await pending
    expect(api).toBe(window.Reekolect)
    expect(api.loaded).toBe(true)
  })

  it('resolves at once, adding nothing, when the loader is already on the page', async () => {
    const api = Object.assign(() => {}, { loaded: true })
    window.Reekolect = api
    await expect(load({ ...ids, src: fakeLoader })).resolves.toBe(api)
    expect(tags()).toHaveLength(0)
  })

  it.each([
    ['an empty bot id', { ...ids, botId: '' }],
    ['a comma in an id', { ...ids, customerId: 'a,b' }],
    ['an id that is not a string', { ...ids, botId: 42 }],
    ['no ids', {}],
  ])('rejects with E_TAG for %s, adding nothing', async (_, bad) => {
    const options = { src: fakeLoader, ...bad } as unknown as Entry.LoadOptions
    await expect(load(options)).rejects.toThrow(/^\[Reekolect\] E_TAG: /)
    expect(tags()).toHaveLength(0)
    // A rejection is not remembered: the next call tries again.
    expect(await load({ ...ids, src: fakeLoader })).toBe(window.Reekolect)
  })

  it('rejects with E_ARGS without src', async () => {
    await expect(load({ ...ids } as Entry.LoadOptions)).rejects.toThrow(/^\[Reekolect\] E_ARGS: /)
    expect(tags()).toHaveLength(0)
  })

  it("rejects with E_LOAD on the tag's error event, removes the tag and can retry", async () => {
    const failed = load({ ...ids, src: script('') })
    tags()[0]?.dispatchEvent(new Event('error'))
    await expect(failed).rejects.toThrow(
      /^\[Reekolect\] E_LOAD: data:text\/javascript,.* could not load/,
    )
    expect(tags()).toHaveLength(0)
    const retry = load({ ...ids, src: fakeLoader })
    expect(retry).not.toBe(failed)
    expect(await retry).toBe(window.Reekolect)
    expect(tags()).toHaveLength(1)
  })

  it('rejects with E_LOAD on an error even with the queue stub installed (docs/javascript-api.md)', async () => {
    window.Reekolect = Object.assign(() => {}, { q: [] })
    const failed = load({ ...ids, src: script('') })
    tags()[0]?.dispatchEvent(new Event('error'))
    await expect(failed).rejects.toThrow(/^\[Reekolect\] E_LOAD: /)
  })

  it.each([
    ['without defining window.Reekolect', ''],
    ['leaving the queue stub in place', 'window.Reekolect = Object.assign(() => {}, { q: [] })'],
  ])('rejects with E_LOAD when the script ran %s', async (_, code) => {
    await expect(load({ ...ids, src: script(code) })).rejects.toThrow(
      /^\[Reekolect\] E_LOAD: .* ran but did not start the widget/,
    )
    expect(tags()).toHaveLength(0)
  })

  it('is typed: LoadOptions in, Promise<ReekolectApi> out', () => {
    expectTypeOf(load).parameter(0).toEqualTypeOf<Entry.LoadOptions>()
    expectTypeOf(load).returns.toEqualTypeOf<Promise<Protocol.ReekolectApi>>()
    expectTypeOf<Entry.LoadOptions['src']>().toEqualTypeOf<string | URL>()
    expectTypeOf<Entry.LoadOptions['mode']>().toEqualTypeOf<'launcher' | 'page' | undefined>()
    // The re-exported types are the protocol's own.
    expectTypeOf<Entry.ReekolectApi>().toEqualTypeOf<Protocol.ReekolectApi>()
    expectTypeOf<Entry.Commands>().toEqualTypeOf<Protocol.Commands>()
    expectTypeOf<Entry.Command>().toEqualTypeOf<Protocol.Command>()
    expectTypeOf<Entry.WidgetEvents>().toEqualTypeOf<Protocol.WidgetEvents>()
    expectTypeOf<Entry.Identity>().toEqualTypeOf<Protocol.Identity>()
    expectTypeOf<Entry.WidgetConfig>().toEqualTypeOf<Protocol.WidgetConfig>()
  })
})
