/**
 * Business hours and offline hand-offs (docs/platform-api.md, "Offline hand-offs"):
 * when the visitor asks for a person, whether anyone can answer now. Outside the
 * bot's business hours (`settings.hours`, core/hours.ts) or with no agent online
 * (`GET {api}/inbox/direct/availability`), the chat turns `away`: the bot says when
 * the team is back, asks for an email when the lead has none, and the visitor
 * leaves a message in the live composer. The request for a person is sent all the
 * same (conversation.ts), and the lead is marked with the attribute
 * {@link OFFLINE_KEY}, so the business knows the message came while nobody was
 * there.
 *
 * Part of the live chunk: a chat that never hands off downloads none of it.
 */
import { batch, effect } from '@preact/signals-core'
import ky from 'ky'
import type { Hours } from '../config/schema'
import type { Actions } from '../core/actions'
import type { AskNode, FlowNode } from '../core/flow'
import { withAttribute } from '../core/lead'
import type { Live, State } from '../core/state'
import type { LiveIds } from './stream'
import { liveText } from './strings'

/**
 * Why nobody can answer: `outside-hours` (the business hours are closed now) or
 * `no-agent` (within hours, or without hours, and the availability says no agent
 * is online). Also the value of the lead's {@link OFFLINE_KEY} attribute.
 */
export type AwayReason = 'outside-hours' | 'no-agent'

/** The lead attribute an away hand-off sets, to an {@link AwayReason}. */
export const OFFLINE_KEY = 'offline'

/** Time the availability request may take before the hand-off just waits, as when it cannot tell (ms). */
export const AVAILABILITY_TIMEOUT = 4000

/** Node ids of the away walk: `_` cannot start a configured node's id (schema.ts `id`), so none collides. */
const SAY = '_away'
const EMAIL = '_awayEmail'
const LEAVE = '_awayLeave'

/**
 * core/hours.ts, a chunk of its own: only a hand-off of a bot with business hours
 * loads it (0.8 KiB brotli that the built-in flow's hand-off does not need).
 */
const hoursLib = () => import('../core/hours')

/** Where the availability is asked: the tag's `data-api-url` (as written) and `data-token`, and the conversation's ids. */
export interface AvailabilityLink {
  api: string
  token: string
  ids(): LiveIds
}

/**
 * Returns the question "is an agent online?" as `GET {api}/inbox/direct/availability?botId&customerId`
 * with header `x-bp-token` (docs/platform-api.md): resolves with its `online`, or
 * `undefined` when it cannot tell (a network error, an HTTP error, a timeout after
 * `timeout` ms, an answer without a boolean `online`). Never rejects.
 */
export function availability(
  link: AvailabilityLink,
  timeout = AVAILABILITY_TIMEOUT,
  fetchImpl?: typeof fetch,
): () => Promise<boolean | undefined> {
  return async () => {
    const { botId, customerId } = link.ids()
    try {
      const body = await ky
        .get('inbox/direct/availability', {
          prefixUrl: link.api,
          searchParams: { botId, customerId },
          headers: { 'x-bp-token': link.token },
          timeout,
          retry: 0,
          ...(fetchImpl ? { fetch: fetchImpl } : {}),
        })
        .json<{ online?: unknown }>()
      return typeof body?.online === 'boolean' ? body.online : undefined
    } catch {
      return undefined
    }
  }
}

/**
 * Whether nobody can answer at `now`, and why: {@link AwayReason}, or `undefined`
 * when someone may (open hours, or no hours, and an agent online) or when the
 * availability cannot tell (`online` resolved `undefined`): the hand-off then
 * waits, as it would without this check. Closed hours answer without asking
 * `online`. Rejects only when the hours chunk cannot load.
 */
export async function awayReason(
  hours: Hours | undefined,
  now: Date,
  online: () => Promise<boolean | undefined>,
): Promise<AwayReason | undefined> {
  if (hours && !(await hoursLib()).isOpen(hours, now)) return 'outside-hours'
  return (await online()) === false ? 'no-agent' : undefined
}

/**
 * What the bot says when nobody can answer, in `locale`: outside hours, the hours'
 * `message` (else "Our team is away right now.") and when they open next ("We’re
 * back Monday at 9:00 AM.", core/hours.ts describeNextOpening, in the visitor's
 * `timeZone`, default the browser's); with no agent online, or hours that never open, "Our team is away
 * right now. We’ll reply as soon as we can." Rejects only when the hours chunk
 * cannot load.
 */
export async function awayText(
  reason: AwayReason,
  hours: Hours | undefined,
  now: Date,
  locale: string,
  timeZone?: string,
): Promise<string> {
  const closed = reason === 'outside-hours' && hours
  const lib = closed ? await hoursLib() : undefined
  const next = closed && lib?.nextOpening(hours, now)
  let back = liveText(locale, 'soon')
  try {
    if (lib && next)
      back = liveText(locale, 'back', {
        when: lib.describeNextOpening(next, now, locale, timeZone),
      })
  } catch {
    // A locale Intl cannot read (a malformed data-locale): the sentence without the time.
  }
  return `${(closed && hours.message) || liveText(locale, 'awayNow')} ${back}`
}

/**
 * Puts the away walk into the bot's current flows: `said` first (when given), the
 * email question (passed over when the lead has an email), the invitation to write.
 * @returns the email question.
 */
function awayWalk(actions: Pick<Actions, 'graph'>, locale: string, said?: string): AskNode {
  const g = actions.graph().node
  const email: AskNode = {
    id: EMAIL,
    type: 'ask',
    input: 'email',
    text: liveText(locale, 'askEmail'),
    next: LEAVE,
  }
  const leave = liveText(locale, 'leave', { email: '{email}' })
  const add: FlowNode[] = [email, { id: LEAVE, type: 'message', text: leave }]
  if (said) add.push({ id: SAY, type: 'message', text: said, next: EMAIL })
  for (const n of add) g.set(n.id, n)
  return email
}

/**
 * Turns the chat away now and lets the visitor leave a message: the bot says
 * `said`, asks the lead's email unless it has one, then invites the message, which
 * the live composer takes (ui.tsx) and the transcript outbox sends. The away path
 * of a hand-off ends here (`createAway`); so does an FAQ's fallback `message`
 * (widget/answers/), without asking for a person. `live` is the chat's live mode
 * until now (its team is kept).
 */
export function leaveMessage(
  state: State,
  actions: Pick<Actions, 'go' | 'graph'>,
  locale: string,
  said: string,
  live: Live = { phase: 'away' },
): void {
  batch(() => {
    state.live.value = { ...live, phase: 'away' }
    awayWalk(actions, locale, said)
    actions.go(SAY)
  })
}

/** Options of {@link createAway}. */
export interface AwayOptions {
  /** The bot's business hours (`settings.hours`); absent: only the availability decides. */
  hours?: Hours | undefined
  /** The visitor's locale (BCP 47): the language of what the bot says. */
  locale: string
  /** Whether an agent is online ({@link availability}); `undefined`: cannot tell. */
  online(): Promise<boolean | undefined>
  /** The visitor's time zone (IANA), in which they read when the team is back. Default: the browser's. */
  timeZone?: string
  /** Clock, epoch ms. Default `Date.now`. */
  now?(): number
}

/**
 * Creates the offline path of `state`'s chat. `check()` runs after each request
 * for a person: when {@link awayReason} finds nobody, and the chat still waits,
 * the chat turns `away`, the lead gets the attribute {@link OFFLINE_KEY}, and the
 * bot says {@link awayText}, then asks the lead's email (as the built-in flow's
 * email question: the same input, validation, suggestion and lead field, synced
 * by the lead outbox) unless it has one, then invites the message, which the live
 * composer takes (ui.tsx) and the transcript outbox sends.
 *
 * It also keeps the email question waiting while the chat is away and the lead
 * has none: after a reload (the question is not a node of the bot's flows, so
 * the restored chat does not find it) and after `setLocale` (new flows). Once an
 * agent talks, the question no longer holds the composer back.
 * @returns `check()` (never rejects) and `dispose()`.
 */
export function createAway(
  state: State,
  actions: Pick<Actions, 'go' | 'update' | 'graph'>,
  o: AwayOptions,
) {
  let disposed = false
  const stop = effect(() => {
    const phase = state.live.value?.phase
    const ask = state.ask.value
    if (phase === 'away' && !ask && !state.lead.value.email)
      state.ask.value = awayWalk(actions, o.locale)
    else if (phase === 'talking' && ask?.id === EMAIL) state.ask.value = undefined
  })
  return {
    /** Decides, after a request for a person, whether the chat turns away (see {@link createAway}). */
    async check(): Promise<void> {
      if (state.live.value?.phase !== 'waiting') return
      const now = new Date(o.now?.() ?? Date.now())
      let why: AwayReason | undefined
      let said = ''
      try {
        why = await awayReason(o.hours, now, o.online)
        if (why) said = await awayText(why, o.hours, now, o.locale, o.timeZone)
      } catch {
        // The hours chunk did not load: cannot tell, the hand-off waits.
        return
      }
      const live = state.live.value
      // An agent who answered meanwhile, a reset or a closed chat win.
      if (!why || disposed || live?.phase !== 'waiting') return
      const reason = why
      batch(() => {
        actions.update((lead) => withAttribute(lead, OFFLINE_KEY, reason))
        leaveMessage(state, actions, o.locale, said, live)
      })
    },
    dispose() {
      disposed = true
      stop()
    },
  }
}

/** The offline path as returned by {@link createAway}. */
export type Away = ReturnType<typeof createAway>
