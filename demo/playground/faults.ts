/**
 * The lead API's fault modes (`POST /demo/api/fault {fault, botId}`) as toggles,
 * for the playground's bot only: other bots (and tests running alongside) keep a
 * healthy API.
 */
import type { Fault } from '../state'
import { $, el } from './dom'
import { BOT } from './ids'
import type { Log } from './log'

/**
 * What each mode does to `PUT /inbox/direct/lead`: every fault of the server but
 * `cors`, which is server-wide only (a preflight names no bot), and the playground
 * is one origin with its API.
 */
const WHAT: Record<Exclude<Fault, 'cors'>, string> = {
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

/** `GET /demo/api/fault` (demo/routes/demo-api.ts). */
interface FaultState {
  fault: Fault
  faults: Fault[]
  byBot: Record<string, Fault>
}

/** Lists the fault modes as radio buttons; a switch is logged. */
export async function startFaults(log: Log): Promise<void> {
  const box = $('faults')
  const status = $('fault-status')
  const state: FaultState = await (await fetch('/demo/api/fault')).json()
  const current = state.byBot[BOT] ?? 'none'
  const describe = (f: Fault) => {
    status.textContent = `The lead API ${f === 'cors' ? f : WHAT[f]}.${
      state.fault !== 'none' ? ` Server-wide fault: ${state.fault}.` : ''
    }`
  }
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
