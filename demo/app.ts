/**
 * The demo platform: the lead API of the platform (docs/platform-api.md) and the
 * contact APIs of the platform's contacts API (`POST /inbox/users`, `POST
 * /inbox/users/import`) on a real SQLite database, our extensions (live chat, an
 * AI answer endpoint over the bot's FAQ), plus the playground, the landing page
 * and the built widget, all from one origin. The Hono app is built
 * by {@link createApp}, so unit tests can call it without a port.
 *
 * It is a composition of sub-apps (demo/routes/), each a function of the shared
 * {@link DemoState} (demo/state.ts) that returns a Hono app with its routes at
 * their full paths; `app.route('/', sub)` copies them in, in order.
 */
import { Hono } from 'hono'
import { aiAnswers } from './routes/ai'
import { demoApi } from './routes/demo-api'
import { platform } from './routes/platform'
import { staticFiles } from './routes/static'
import { type AppOptions, createState, type Fault } from './state'

export { LeadBody, MAX_BODY, MAX_IMPORT_BODY } from './routes/platform'
export { CSP_POLICIES } from './routes/static'
export { type AppOptions, FAULTS, type Fault } from './state'

/**
 * Builds the demo platform app. Returns the Hono app, a `setFault` control (the
 * server-wide fault mode) and the live `stats` counters (see `Stats` in demo/state.ts).
 */
export function createApp(opts: AppOptions) {
  const state = createState(opts)
  const app = new Hono()
  // First: its CORS rules (Last-Event-ID allowed) answer its paths' preflights
  // before the platform's `/inbox/*` rules do.
  app.route('/', state.live.app)
  app.route('/', platform(state))
  app.route('/', demoApi(state))
  app.route('/', aiAnswers(state))
  // Last: its `/demo/*` answers any GET under /demo/ that no sub-app above has.
  app.route('/', staticFiles(state))
  return {
    app,
    setFault(f: Fault) {
      state.fault = f
    },
    stats: state.stats,
    /** Live chat's open streams and `close()` (end them before closing the database). */
    live: state.live,
  }
}
