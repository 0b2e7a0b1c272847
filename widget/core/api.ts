/**
 * The platform API client: one ky instance per widget, with a timeout and no retry
 * of its own (the outbox owns retries, see outbox.ts).
 */
import ky from 'ky'
import type { WidgetConfig } from '../../loader/protocol'
import { type LeadPayload, toJson } from './lead'
import type { SendResult } from './outbox'

/** Time one lead request may take before it is abandoned and retried by the outbox (ms). */
export const REQUEST_TIMEOUT = 10_000

/**
 * Returns the outbox's `send`: `PUT {apiUrl}/inbox/direct/lead` with header
 * `x-bp-token` and a JSON body (docs/platform-api.md).
 * Resolves with the status for any HTTP answer; rejects on network errors and
 * timeouts. The body is encoded by {@link toJson}, immune to `Array.prototype.toJSON`.
 */
export function createLeadSender(
  config: Pick<WidgetConfig, 'apiUrl' | 'token'>,
  timeout = REQUEST_TIMEOUT,
) {
  const http = ky.create({ prefixUrl: config.apiUrl, timeout, retry: 0, throwHttpErrors: false })
  return async (payload: LeadPayload, keepalive: boolean): Promise<SendResult> => {
    const res = await http.put('inbox/direct/lead', {
      body: toJson(payload),
      headers: { 'content-type': 'application/json', 'x-bp-token': config.token },
      keepalive,
    })
    return { status: res.status, retryAfter: res.headers.get('retry-after') }
  }
}
