/**
 * The site owner's options, read from the embed tag's `data-*` attributes (README,
 * "Embed"), with their defaults. The loader passes a reader of the attributes
 * rather than their values, so that an option costs the loader no byte.
 */
import type { TagOptions, WidgetConfig } from '../../loader/protocol'

/** The platform API's origin when the tag has no `data-api-url` (docs/platform-api.md). */
export const DEFAULT_API = 'https://api.v7.express-chat.ai'

/**
 * The options of the tag `tag` describes: `data-api-url` (default
 * {@link DEFAULT_API}; empty means the default), `data-token` (default `''`) and
 * `data-locale` (default: the browser's language).
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
  }
}
