/**
 * The configured-bot parts of the chat window: formatted bot text, images, link
 * buttons, cards, multiple-choice and rating inputs, the "Skip" and "Did you mean"
 * buttons, the header's avatar and WhatsApp button, and the branding line. Rendered
 * with Preact elements only: no HTML strings ever reach the DOM (Trusted Types).
 */
import type { ComponentChildren } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import type { Actions } from '../core/actions'
import type { AskNode, Choice } from '../core/flow'
import type { Translate } from '../core/i18n'
import type { Message, State } from '../core/state'

/** Link schemes a bot message may use; anything else is shown as plain text. */
const SAFE = /^(https?:|mailto:|tel:)/i

/** Whether `url` is safe to link: http(s), mailto or tel. */
export const safeUrl = (url: string): boolean => SAFE.test(url.trim())

const INLINE = /\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*|\[([^\]]+)\]\(([^)\s]+)\)/g

/**
 * Bot text with inline formatting: `**bold**`, `*italic*`, `[label](url)` (only
 * http, https, mailto, tel; opened in a new tab with `rel="noopener noreferrer"`),
 * and line breaks. Everything else is text.
 */
export function Formatted({ text, t }: { text: string; t: Translate }) {
  const out: ComponentChildren[] = []
  let last = 0
  for (const m of text.matchAll(INLINE)) {
    const i = m.index ?? 0
    out.push(text.slice(last, i))
    if (m[1]) out.push(<strong>{m[1]}</strong>)
    else if (m[2]) out.push(<em>{m[2]}</em>)
    else if (m[3] && m[4] && safeUrl(m[4]))
      out.push(
        <Link url={m[4]} t={t}>
          {m[3]}
        </Link>,
      )
    else out.push(m[0])
    last = i + m[0].length
  }
  out.push(text.slice(last))
  return <>{out}</>
}

function Link({
  url,
  t,
  children,
  cls,
}: {
  url: string
  t: Translate
  children: ComponentChildren
  cls?: string
}) {
  const web = /^https?:/i.test(url)
  return (
    <a class={cls} href={url} target={web ? '_blank' : undefined} rel="noopener noreferrer">
      {children}
      {web && <span class="sr"> {t('newTab')}</span>}
    </a>
  )
}

/**
 * A bot message of a configured bot: formatted text and its image, link button or
 * cards. An answer still streaming in (`pending`) shows its text as it grows, as
 * plain text hidden from screen readers: the transcript's live region announces it
 * once, formatted, when it is complete, not at every word.
 */
export function RichBody({ m, t }: { m: Message; t: Translate }) {
  if (m.pending)
    return (
      <span class="grow" aria-hidden="true">
        {m.text}
      </span>
    )
  const r = m.rich
  return (
    <>
      {m.text && <Formatted text={m.text} t={t} />}
      {r?.t === 'img' && <img class="img" src={r.src} alt={r.alt} loading="lazy" />}
      {r?.t === 'link' && safeUrl(r.url) && (
        <Link url={r.url} t={t} cls="btnlink">
          {r.label}
        </Link>
      )}
      {r?.t === 'cards' && (
        <ul class="cards">
          {r.cards.map((c) => (
            <li class="card" key={c.title}>
              {c.image && safeUrl(c.image) && (
                <img src={c.image} alt={c.alt ?? ''} loading="lazy" />
              )}
              <strong class="ct">{c.title}</strong>
              {c.text && <span class="cx">{c.text}</span>}
              {c.buttons
                ?.filter((b) => b.url && safeUrl(b.url))
                .map((b) => (
                  <Link key={b.label} url={b.url as string} t={t} cls="btnlink">
                    {b.label}
                  </Link>
                ))}
            </li>
          ))}
        </ul>
      )}
    </>
  )
}

/** Props of the inputs a configured bot adds. */
export interface RichInputProps {
  node: AskNode
  actions: Actions
  t: Translate
  question: string
}

/** Multiple choice: a group of checkboxes and "Done"; at least `min` (1), at most `max`. */
function Multi({ node, actions, t, question }: RichInputProps) {
  const [chosen, setChosen] = useState<Choice[]>([])
  const [error, setError] = useState('')
  const ref = useRef<HTMLFieldSetElement>(null)
  useEffect(() => ref.current?.querySelector('input')?.focus(), [node])
  const options = node.options ?? []
  const min = typeof node.min === 'number' ? node.min : 1
  const max = typeof node.max === 'number' ? node.max : options.length
  const done = () => {
    if (chosen.length < min || chosen.length > max) return setError(t('errMulti', { min, max }))
    const values = chosen.map((o) => o.value ?? o.label)
    actions.answer({
      text: chosen.map((o) => o.label).join(', '),
      value: values.join(', '),
      values,
    })
  }
  return (
    <fieldset class="choices multi" ref={ref} aria-describedby={error ? 'rk-err' : undefined}>
      <legend class="sr">{question}</legend>
      {options.map((o) => (
        <label class="check" key={o.label}>
          <input
            type="checkbox"
            checked={chosen.includes(o)}
            onChange={(e) =>
              setChosen(e.currentTarget.checked ? [...chosen, o] : chosen.filter((c) => c !== o))
            }
          />
          {o.label}
        </label>
      ))}
      <button type="button" class="send" onClick={done}>
        {t('done')}
      </button>
      <p id="rk-err" class="err" aria-live="assertive">
        {error}
      </p>
    </fieldset>
  )
}

/** Rating 1–5: five buttons named "n of 5 stars". */
function Rating({ node, actions, t, question }: RichInputProps) {
  const ref = useRef<HTMLFieldSetElement>(null)
  useEffect(() => ref.current?.querySelector('button')?.focus(), [node])
  return (
    <fieldset class="choices stars" ref={ref}>
      <legend class="sr">{question}</legend>
      {[1, 2, 3, 4, 5].map((n) => (
        <button
          type="button"
          class="star"
          key={n}
          aria-label={t('stars', { n })}
          onClick={() =>
            actions.answer({
              text: `${'★'.repeat(n)}${'☆'.repeat(5 - n)} ${n}/5`,
              value: String(n),
            })
          }
        >
          {'★'}
        </button>
      ))}
    </fieldset>
  )
}

/** The input of a configured-bot question kind, or `null` for kinds the core composer handles. */
export function RichInput(p: RichInputProps) {
  if (p.node.input === 'multi') return <Multi {...p} />
  if (p.node.input === 'rating') return <Rating {...p} />
  return null
}

/** Props of the configured-bot parts of the header and footer. */
interface Parts {
  state: State
  actions: Actions
  t: Translate
}

/**
 * The bot's `name` (`design.botName`) and `avatar` over the first message of a
 * group (widget/ui/Transcript.tsx). Hidden from screen readers, which hear the
 * transcript's own name before every message; the name is drawn by rich.css from
 * `data-name`, so that it is no part of the message's text either (copied text,
 * the transcript as read).
 */
export function BotName({ name, avatar }: { name: string; avatar?: string | undefined }) {
  return (
    <span class="who" aria-hidden="true" data-name={name}>
      {avatar && <img class="avatar" src={avatar} alt="" />}
    </span>
  )
}

/** {@link RichBody} after the bot's {@link BotName} when `first` (the first message of a run of the bot's). */
function BotMessage({
  m,
  t,
  first,
  avatar,
}: {
  m: Message
  t: Translate
  first?: boolean | undefined
  avatar?: string | undefined
}) {
  return (
    <>
      {first && <BotName name={t('bot')} avatar={avatar} />}
      <RichBody m={m} t={t} />
    </>
  )
}

/**
 * Creates the header and footer parts of a configured bot: the avatar, the
 * "Continue on WhatsApp" link (`whatsapp()` gives its `wa.me` URL), and under the
 * composer "Skip" where the node allows it, and the branding line.
 */
export function parts(o: {
  avatar?: string | undefined
  whatsapp?: (() => string) | undefined
  branding: boolean
  /** The "Ask a question" box of a bot with an FAQ or an AI endpoint (free.tsx). */
  free?: ((p: Parts) => ComponentChildren) | undefined
}) {
  return {
    Avatar: () => (o.avatar ? <img class="avatar" src={o.avatar} alt="" /> : null),
    /** A bot message ({@link RichBody}), under {@link BotName} with the bot's avatar when it starts a group (`first`). */
    RichBody: (p: { m: Message; t: Translate; first?: boolean | undefined }) =>
      BotMessage({ ...p, avatar: o.avatar }),
    Whatsapp: ({ t }: { t: Translate }) =>
      o.whatsapp ? (
        <Link url={o.whatsapp()} t={t} cls="wa">
          {t('whatsapp')}
        </Link>
      ) : null,
    Foot({ state, actions, t }: Parts) {
      const node = state.ask.value
      const Free = o.free
      return (
        <>
          {Free && <Free state={state} actions={actions} t={t} />}
          <div class="extra">
            {node?.type === 'ask' && node.skip && (
              <button
                type="button"
                class="choice skip"
                onClick={() => actions.answer({ text: t('skipped'), value: '', skipped: true })}
              >
                {t('skip')}
              </button>
            )}
          </div>
          {o.branding && <p class="brand">{t('powered')}</p>}
        </>
      )
    },
  }
}
