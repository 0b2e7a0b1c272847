// @ts-check
/**
 * The lead API's fault modes (`POST /demo/api/fault {fault, botId}`) as toggles,
 * for the playground's bot only: other bots (and tests running alongside) keep a
 * healthy API.
 */
import { $, el } from './dom.js'
import { BOT } from './ids.js'

/** What each mode does to `PUT /inbox/direct/lead`. */
const WHAT = {
  none: 'is healthy: leads are saved',
  500: 'answers 500: the widget retries later',
  503: 'answers 503 with Retry-After: 2',
  429: 'answers 429 with Retry-After: 1',
  401: 'answers 401: the token is refused, no retry',
  413: 'answers 413 (too large): no retry',
  slow: 'answers after 3 seconds',
  hang: 'never answers',
  drop: 'closes the connection without an answer',
}

/** @param {ReturnType<typeof import('./log.js').createLog>} log */
export async function startFaults(log) {
  const box = $('faults')
  const status = $('fault-status')
  /** @type {{ fault: string, faults: string[], byBot: Record<string, string> }} */
  const state = await (await fetch('/demo/api/fault')).json()
  const current = state.byBot[BOT] ?? 'none'
  /** @param {string} f */
  const describe = (f) => {
    status.textContent = `The lead API ${WHAT[/** @type {keyof typeof WHAT} */ (f)] ?? f}.${
      state.fault !== 'none' ? ` Server-wide fault: ${state.fault}.` : ''
    }`
  }
  // `cors` is server-wide only (a preflight names no bot), and the playground is one origin with its API.
  for (const f of state.faults.filter((x) => x !== 'cors')) {
    const label = el('label', undefined, 'pill')
    const input = el('input')
    input.type = 'radio'
    input.name = 'fault'
    input.value = f
    input.checked = f === current
    label.append(input, el('span', f.charAt(0).toUpperCase() + f.slice(1)))
    input.addEventListener('change', async () => {
      if (!input.checked) return
      const res = await fetch('/demo/api/fault', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ fault: f, botId: BOT }),
      })
      if (!res.ok) {
        status.textContent = `Could not switch: HTTP ${res.status}`
        return
      }
      describe(f)
      log.add('info', 'fault', { fault: f, botId: BOT })
    })
    box.append(label)
  }
  describe(current)
}
