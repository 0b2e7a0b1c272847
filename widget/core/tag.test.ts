import { describe, expect, it } from 'vitest'
import type { TagOptions } from '../../loader/protocol'
import { DEFAULT_API, widgetConfig } from './tag'

/** A tag with these `data-*` attributes (name without `data-`). */
const tag = (data: Record<string, string> = {}): TagOptions => ({
  botId: 'bot1',
  customerId: 'cust1',
  mode: 'launcher',
  attr: (name) => data[name] ?? null,
})

describe('widgetConfig', () => {
  it('reads data-api-url, data-token and data-locale', () => {
    expect(widgetConfig(tag({ 'api-url': '/api', token: 'secret', locale: 'pt-BR' }))).toEqual({
      botId: 'bot1',
      customerId: 'cust1',
      mode: 'launcher',
      apiUrl: '/api',
      token: 'secret',
      locale: 'pt-BR',
    })
  })

  it('defaults to the documented API origin, no token and the browser’s language', () => {
    const config = widgetConfig(tag({ 'api-url': '' }))
    expect(config.apiUrl).toBe(DEFAULT_API)
    expect(config.token).toBe('')
    expect(config.locale).toBeUndefined()
  })
})
