/**
 * What the demo server's sub-apps share (demo/routes/*.ts): its options (database,
 * token, folders) and its mutable state (fault modes, counters, listeners of lead
 * and configuration changes). {@link createState} makes one per app; each sub-app
 * takes it as its argument, so a sub-app can be mounted, and tested, on its own.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Db } from './db'
import { createLive, type Live } from './live'

/**
 * Fault modes the demo API can simulate on `PUT /inbox/direct/lead`, for tests and
 * the playground. `cors` answers the CORS preflight without allowing `x-bp-token`
 * (a platform origin misconfigured for the site), so only a page of another
 * origin sees it; it is server-wide only: a preflight carries no body to tell the bot.
 */
export const FAULTS = [
  'none',
  '500',
  '503',
  '429',
  '401',
  '413',
  'slow',
  'hang',
  'drop',
  'cors',
] as const
export type Fault = (typeof FAULTS)[number]

/** Options of the demo app (`createApp` in demo/app.ts). */
export interface AppOptions {
  db: Db
  /** Accepted value of `x-bp-token` and `x-bot-token`. Default `demo-token`. */
  token?: string
  /** Folder of the built widget (`npm run build`). Default `dist`. */
  dist?: string
  /** Folder of the demo pages. Default `demo`. */
  demo?: string
  /** Initial fault mode. Default `none`. */
  fault?: Fault
  /** Delay of the `slow` fault (ms). Default 3000. */
  slowMs?: number
}

/**
 * Counters, so tests and the playground can see how often the widget called:
 * every PUT, accepted ones, and PUTs by bot (keepalive requests included, which a
 * test cannot see from the page).
 */
export interface Stats {
  put: number
  accepted: number
  bots: Record<string, number>
}

/** The options and mutable state every sub-app of the demo server gets. */
export interface DemoState {
  readonly db: Db
  /** Accepted `x-bp-token`, `x-bot-token` and `Authorization: Bearer` value. */
  readonly token: string
  /** Absolute folder of the built widget and playground (`dist/`). */
  readonly dist: string
  /** Absolute folder of the demo sources, fixtures and templates (`demo/`). */
  readonly demo: string
  /** Delay of the `slow` fault (ms). */
  readonly slowMs: number
  /** The server-wide fault mode. */
  fault: Fault
  /** Faults for one bot only, so tests that use them can run in parallel with others. */
  readonly byBot: Map<string, Fault>
  /** `Retry-After` (seconds) of a bot's 429 or 503 fault, when not the default. */
  readonly retryAfter: Map<string, number>
  readonly stats: Stats
  /**
   * Listeners of changes: `botId/customerId` of an accepted lead, `config` when a
   * bot configuration document was saved or removed. {@link DemoState.emit} calls each.
   */
  readonly listeners: Set<(event: string) => void>
  emit(event: string): void
  /**
   * The template `name` (`demo/templates/<name>.json`, name of letters, digits, `_`
   * and `-`) with `{origin}` replaced by `origin`, or `undefined` when there is none.
   */
  template(name: string, origin: string): string | undefined
  /** Live chat (demo/live/): its sub-app, and the hooks the lead PUT and the chats listing call. */
  readonly live: Live
}

/** The state of one demo app, from its options (defaults as in {@link AppOptions}). */
export function createState(opts: AppOptions): DemoState {
  const demo = resolve(opts.demo ?? 'demo')
  const templates = join(demo, 'templates')
  const listeners = new Set<(event: string) => void>()
  return {
    db: opts.db,
    token: opts.token ?? 'demo-token',
    live: createLive({ db: opts.db, token: opts.token ?? 'demo-token' }),
    dist: resolve(opts.dist ?? 'dist'),
    demo,
    slowMs: opts.slowMs ?? 3000,
    fault: opts.fault ?? 'none',
    byBot: new Map(),
    retryAfter: new Map(),
    stats: { put: 0, accepted: 0, bots: {} },
    listeners,
    emit(event) {
      for (const l of listeners) l(event)
    },
    template(name, origin) {
      const path = join(templates, `${name}.json`)
      return /^[\w-]+$/.test(name) && existsSync(path)
        ? readFileSync(path, 'utf8').replaceAll('{origin}', origin)
        : undefined
    },
  }
}
