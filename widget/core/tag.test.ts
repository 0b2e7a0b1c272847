import { describe, expect, it, vi } from 'vitest'
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
      retentionDays: 30,
    })
  })

  it('defaults to the documented API origin, no token and the browser’s language', () => {
    const config = widgetConfig(tag({ 'api-url': '' }))
    expect(config.apiUrl).toBe(DEFAULT_API)
    expect(config.token).toBe('')
    expect(config.locale).toBeUndefined()
  })

  it('keeps visitor records 30 days, or the whole days of data-retention-days', () => {
    expect(widgetConfig(tag()).retentionDays).toBe(30)
    expect(widgetConfig(tag({ 'retention-days': '7' })).retentionDays).toBe(7)
    expect(widgetConfig(tag({ 'retention-days': '3650' })).retentionDays).toBe(3650)
  })

  it('takes the default, with one E_ATTRIBUTE line each, for a retention that is not 1–3650 whole days', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    for (const bad of ['0', '-3', '1.5', 'week', '', '3651']) {
      expect(widgetConfig(tag({ 'retention-days': bad })).retentionDays).toBe(30)
    }
    expect(error).toHaveBeenCalledTimes(6)
    expect(String(error.mock.calls[0]?.[0])).toMatch(
      /^\[Reekolect\] E_ATTRIBUTE: data-retention-days="0" is not a whole number .* — fix the attribute/,
    )
    error.mockRestore()
  })
})
