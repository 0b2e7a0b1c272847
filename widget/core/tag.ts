/**
 * The site owner's options, read from the embed tag's `data-*` attributes (README,
 * "Embed"), with their defaults. The loader passes a reader of the attributes
 * rather than their values, so that an option costs the loader no byte.
 */

import { report } from '../../loader/log'
import type { TagOptions, WidgetConfig } from '../../loader/protocol'
import { MAX_RETENTION_DAYS, RETENTION_DAYS } from './retention'

/** The platform API's origin when the tag has no `data-api-url` (docs/platform-api.md). */
export const DEFAULT_API = 'https://api.v7.express-chat.ai'

/**
 * `data-retention-days` as days: a whole number from 1 to {@link MAX_RETENTION_DAYS};
 * absent, {@link RETENTION_DAYS}. Any other value is the default too, with one
 * `E_ATTRIBUTE` line.
 */
function retentionDays(raw: string | null): number {
  if (raw === null) return RETENTION_DAYS
  const days = /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN
  if (days >= 1 && days <= MAX_RETENTION_DAYS) return days
  report(
    'E_ATTRIBUTE',
    `data-retention-days="${raw}" is not a whole number of days from 1 to ${MAX_RETENTION_DAYS}; keeping records ${RETENTION_DAYS} days`,
    'fix the attribute on the embed tag',
  )
  return RETENTION_DAYS
}

/**
 * The options of the tag `tag` describes: `data-api-url` (default
 * {@link DEFAULT_API}; empty means the default), `data-token` (default `''`),
 * `data-locale` (default: the browser's language) and `data-retention-days`
 * (default {@link RETENTION_DAYS}).
 */
export function widgetConfig(tag: TagOptions): WidgetConfig {
  const { botId, customerId, mode, attr } = tag
  return {
    botId,
    customerId,
    mode,
    apiUrl: attr('api-url') || DEFAULT_API,
    token: attr('token') || '',
    locale: attr('locale') ?? undefined,
    retentionDays: retentionDays(attr('retention-days')),
  }
}
