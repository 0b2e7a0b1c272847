/**
 * What the transcript's bubbles get once the page is idle after the chat mounted
 * (the conversation chunk brings it, widget/conversation.ts): the bot's pacing
 * with a typing indicator ({@link createPacer}), each message's time and the
 * visitor's delivery state ({@link Meta}), and day dividers ({@link dayName})
 * in a conversation that spans days.
 * Before it loads (the first frame of a chat) every message shows at once,
 * without them: nothing here is needed to chat.
 */
import { computed, effect, type ReadonlySignal, signal } from '@preact/signals-core'
import type { ComponentType, Ref } from 'preact'
import { languageOf, type Translate } from '../core/i18n'
import type { Attachment, Message, State } from '../core/state'
import css from './bubbles.css?inline'

export { css }

/**
 * How bot messages are paced (`design.pacing` of the configuration document,
 * docs/configuration.md): each waits, behind a typing indicator, `min` ms plus
 * `perChar` ms per character of its text, at most `max` ms; the messages the bot
 * says together (up to its next question) wait at most `total` ms in all, so a
 * question is never held long.
 */
export interface Pacing {
  min: number
  perChar: number
  max: number
  total: number
}

/** The defaults of {@link Pacing}: 400 ms + 15 ms per character, at most 1.5 s each and 2.5 s in all. */
export const PACING: Pacing = { min: 400, perChar: 15, max: 1500, total: 2500 }

/** Whether the visitor asked for less motion (`prefers-reduced-motion: reduce`): then nothing is paced. */
const reducedMotion = () => !!globalThis.matchMedia?.('(prefers-reduced-motion: reduce)').matches

/**
 * Paces the bot's messages as a person would type them: a new bot message shows
 * after {@link Pacing}'s wait, while `state.typing` is true (the chat window
 * shows the typing indicator instead, and holds the question's composer back). Shown at
 * once: the visitor's and agents' messages (and every bot message before them), a
 * bot answer still streaming in (`pending`: it grows as it comes), history (what
 * the chat held when this started, messages older than that: a restored chat,
 * the next page), what came while the chat was closed or in the task that opened
 * it (the greeting), and everything when `pacing` is false or under
 * `prefers-reduced-motion: reduce`.
 *
 * @param now clock, epoch ms (tests pass a fake one with fake timers).
 * @returns `shown`, the messages to render (the transcript itself while nothing
 *   waits), `typing` (`state.typing`), and `dispose`, which stops its effect and
 *   timer (and sets `state.typing` false).
 */
export function createPacer(
  state: Pick<State, 'messages' | 'open' | 'typing'>,
  pacing: Pacing | false = PACING,
  now: () => number = Date.now,
  reduced: () => boolean = reducedMotion,
) {
  const since = now()
  /** Id of the newest message shown: every message up to it is. */
  const upTo = signal(state.messages.peek().at(-1)?.id ?? 0)
  const typing = state.typing
  /** Bumped by the timer: the effect looks again. */
  const tick = signal(0)
  let timer: ReturnType<typeof setTimeout> | undefined
  /** The message waiting, when its wait ends (epoch ms), and when the current run of waits began. */
  let waiting = 0
  let due = 0
  let start = 0
  let open = state.open.peek()
  /** True for the rest of the task that opened the chat. */
  let opening = false
  const stop = effect(() => {
    const list = state.messages.value
    const isOpen = state.open.value
    void tick.value
    if (isOpen && !open) {
      opening = true
      setTimeout(() => {
        opening = false
      })
    }
    open = isOpen
    let mark = upTo.peek()
    const newest = list.at(-1)?.id ?? 0
    let next: Message | undefined
    if (!pacing || !open || opening || newest < mark || reduced()) mark = newest
    else {
      for (const m of list)
        if (m.id > mark && (m.from !== 'bot' || m.pending || m.at < since)) mark = m.id
      const t = now()
      for (const m of list) {
        if (m.id <= mark) continue
        if (waiting !== m.id) {
          waiting = m.id
          start ||= t
          const wait = Math.min(pacing.min + pacing.perChar * m.text.length, pacing.max)
          due = Math.min(t + wait, start + pacing.total)
        }
        if (t < due) {
          next = m
          break
        }
        mark = m.id
      }
      clearTimeout(timer)
      if (next) timer = setTimeout(() => tick.value++, due - t)
    }
    if (!next) start = waiting = 0
    upTo.value = mark
    typing.value = !!next
  })
  const shown = computed(() => {
    const list = state.messages.value
    const last = upTo.value
    return (list.at(-1)?.id ?? 0) <= last ? list : list.filter((m) => m.id <= last)
  })
  return {
    shown,
    typing: typing as ReadonlySignal<boolean>,
    dispose() {
      stop()
      clearTimeout(timer)
      typing.value = false
    },
  }
}

/** Formatters of the visitor's locale, by locale and options; a locale `Intl` rejects reads as the browser's. */
const formats = new Map<string, Intl.DateTimeFormat | Intl.RelativeTimeFormat>()
function format<T extends Intl.DateTimeFormat | Intl.RelativeTimeFormat>(
  Ctor: new (locale?: string, o?: object) => T,
  locale: string,
  o: object,
): T {
  const key = `${Ctor.name} ${locale} ${JSON.stringify(o)}`
  let f = formats.get(key) as T | undefined
  if (!f) {
    try {
      f = new Ctor(locale, o)
    } catch {
      f = new Ctor(undefined, o)
    }
    formats.set(key, f)
  }
  return f
}

/** Local midnight of `at` (epoch ms), as a day number: days between two are a subtraction. */
const dayOf = (at: number) => {
  const d = new Date(at)
  return Math.round(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) / 86_400_000)
}

/**
 * `at` (epoch ms) as the visitor reads a time in `locale`: the short time
 * (`Intl.DateTimeFormat` `timeStyle: 'short'`), with the short date when it is
 * not today (`now`, epoch ms).
 */
export function clock(at: number, locale: string, now = Date.now()): string {
  const o: Intl.DateTimeFormatOptions =
    dayOf(at) === dayOf(now) ? { timeStyle: 'short' } : { dateStyle: 'short', timeStyle: 'short' }
  return format(Intl.DateTimeFormat, locale, o).format(at)
}

/**
 * The day divider's text for a message at `at` (epoch ms), in `locale`: "Today"
 * and "Yesterday" (`Intl.RelativeTimeFormat`, `numeric: 'auto'`, its first
 * letter upper-cased), the weekday within the last week ("Monday"), else the
 * date (`dateStyle: 'medium'`, "Dec 4, 2026"). `now` is epoch ms.
 */
export function dayName(at: number, locale: string, now = Date.now()): string {
  const ago = dayOf(now) - dayOf(at)
  if (ago === 0 || ago === 1) {
    const f = format(Intl.RelativeTimeFormat, locale, { numeric: 'auto' })
    const s = f.format(-ago, 'day')
    return s.charAt(0).toLocaleUpperCase(f.resolvedOptions().locale) + s.slice(1)
  }
  const o = ago > 1 && ago < 7 ? { weekday: 'long' } : { dateStyle: 'medium' }
  return format(Intl.DateTimeFormat, locale, o).format(at)
}

/**
 * The delivery state shown under a visitor message: `sent` (the transcript
 * outbox stored it, core/transcript.ts), `failed` (stored, and the outbox's last
 * attempt to send failed: it retries), `delivered` (the inbox has it), `read`
 * (an agent read it; core/receipts.ts).
 */
export type Ack = 'sent' | 'failed' | 'delivered' | 'read'

/**
 * The state shown under each message, by message id: the visitor's latest message
 * of each state (the last of a run). `failing`: the outbox's sends fail now, so a
 * message not delivered yet is `failed`.
 */
export function acksOf(list: readonly Message[], failing = false): Map<number, Ack> {
  const out = new Map<number, Ack>()
  let prev: [number, Ack] | undefined
  for (const m of list) {
    if (m.from !== 'visitor' || !m.sid) continue
    const ack = m.ack ?? (failing ? 'failed' : 'sent')
    if (prev && prev[1] !== ack) out.set(...prev)
    prev = [m.id, ack]
  }
  if (prev) out.set(...prev)
  return out
}

/**
 * The states' words, by language (those of the core catalogues; English when
 * missing): `sent`, `failed`, `delivered`, `read`, in {@link Ack}'s order.
 */
export const STATES: Record<string, [string, string, string, string]> = {
  en: ['Sent', 'Not sent yet, retrying…', 'Delivered', 'Read'],
  fr: ['Envoyé', 'Pas encore envoyé, nouvel essai…', 'Distribué', 'Lu'],
  de: ['Gesendet', 'Noch nicht gesendet, neuer Versuch…', 'Zugestellt', 'Gelesen'],
  es: ['Enviado', 'Aún no enviado, reintentando…', 'Entregado', 'Leído'],
  pt: ['Enviada', 'Ainda não enviada, tentando de novo…', 'Entregue', 'Lida'],
  ar: ['أُرسلت', 'لم تُرسل بعد، جارٍ إعادة المحاولة…', 'تم التسليم', 'تمت القراءة'],
  hi: ['भेजा गया', 'अभी नहीं भेजा गया, फिर से कोशिश हो रही है…', 'पहुँच गया', 'पढ़ लिया गया'],
}
const ACKS: readonly Ack[] = ['sent', 'failed', 'delivered', 'read']

/** The word of state `ack` in `locale`'s language. */
export const ackText = (locale: string, ack: Ack): string =>
  (STATES[languageOf(locale)] ?? STATES.en)?.[ACKS.indexOf(ack)] as string

/** One check mark, or two (delivered, read), or a circled "!" (failed): decoration beside the state's text. */
function Ticks({ ack }: { ack: Ack }) {
  return (
    <svg viewBox="0 0 18 12" aria-hidden="true">
      {ack === 'failed' ? (
        <path d="M9 1a5 5 0 1 0 0 10A5 5 0 0 0 9 1zM9 3.5v3M9 8.5v.1" />
      ) : (
        <>
          <path d="M1 6.5l3.5 3.5L11 2.5" />
          {ack !== 'sent' && <path d="M7.5 10L15 2.5" />}
        </>
      )}
    </svg>
  )
}

/**
 * The end of a message: its time in a `<time datetime>` element, shown while the
 * pointer is over the message, focus is in it, or the transcript has keyboard
 * focus (bubbles.css; until then it takes no room, and is in nobody's way, nor
 * announced when it comes); and under the visitor's latest message of each
 * state, that state ("Sent", "Not sent yet, retrying…", "Delivered", "Read") with
 * check marks. The state sits in an `aria-live="off"` element: when it changes,
 * the transcript's live region announces nothing (WAI-ARIA 1.2, `aria-live`: the
 * nearest ancestor's value applies), so a tick never repeats a message.
 */
export function Meta({ m, locale, ack }: { m: Message; locale: string; ack?: Ack | undefined }) {
  return (
    <span class="meta">
      <time dateTime={new Date(m.at).toISOString()}>{clock(m.at, locale)}</time>
      {ack && (
        <span class={`ack ${ack}`} aria-live="off">
          <Ticks ack={ack} />
          {ackText(locale, ack)}
        </span>
      )}
    </span>
  )
}

/**
 * "New messages ↓", over the end of the transcript while messages came that the
 * visitor, reading history above, has not seen yet (widget/ui/Transcript.tsx
 * decides when, and takes them down on `onClick`; `button` is its ref).
 */
function Down({
  t,
  onClick,
  button,
}: {
  t: Translate
  onClick: () => void
  button: Ref<HTMLButtonElement>
}) {
  return (
    <button type="button" class="more" ref={button} onClick={onClick}>
      {t('newMessages')}
      <svg viewBox="0 0 24 24" aria-hidden="true">
        <path d="M12 5v14M6 13l6 6 6-6" />
      </svg>
    </button>
  )
}

/** What the transcript takes from {@link bindBubbles} (widget/ui/Transcript.tsx). */
export type BubblesUi = ReturnType<typeof bindBubbles>

/**
 * The parts of the chat window bound to one chat: the pacer's `shown` messages
 * and `typing`, the typing indicator (`Typing`: a bot bubble of three pulsing
 * dots, `aria-hidden`, so the transcript's live region never announces it; each
 * message is announced once, when it shows), each message's {@link Meta} (`failing`:
 * the transcript outbox's sends fail now; before it the message's file, drawn by
 * `file`, the live chunk's `FileCard` once it has loaded), and the day divider before the first
 * message of each day (`Day`, given the message before it), once the conversation
 * spans more than today: a conversation of today alone has none.
 */
export function bindBubbles(
  state: Pick<State, 'messages' | 'open' | 'typing'>,
  failing: ReadonlySignal<boolean>,
  pacing?: Pacing | false,
) {
  const pacer = createPacer(state, pacing)
  /** How a message's file shows (the live chunk's `FileCard`, set once it has loaded); until then none. */
  const file = signal<ComponentType<{ a: Attachment; locale: string }> | undefined>(undefined)
  /** {@link acksOf} of the last transcript seen: every message's Meta of one render shares it. */
  let memo: { list: readonly Message[]; failing: boolean; acks: Map<number, Ack> } | undefined
  const acks = () => {
    const list = state.messages.value
    const f = failing.value
    if (memo?.list !== list || memo.failing !== f)
      memo = { list, failing: f, acks: acksOf(list, f) }
    return memo.acks
  }
  return {
    shown: pacer.shown,
    typing: pacer.typing,
    dispose: pacer.dispose,
    Typing: () =>
      pacer.typing.value ? (
        <div class="tb" aria-hidden="true">
          <span class="dots">
            <i />
            <i />
            <i />
          </span>
        </div>
      ) : null,
    file,
    Down,
    Meta: ({ m, locale }: { m: Message; locale: string }) => {
      const File = file.value
      return (
        <>
          {m.attachment && File && <File a={m.attachment} locale={locale} />}
          <Meta m={m} locale={locale} ack={acks().get(m.id)} />
        </>
      )
    },
    Day: ({ m, prev, locale }: { m: Message; prev?: Message | undefined; locale: string }) =>
      dayOf(prev?.at ?? Date.now()) === dayOf(m.at) ? null : (
        <p class="day">{dayName(m.at, locale)}</p>
      ),
  }
}
