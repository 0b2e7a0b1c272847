import type { ComponentChildren } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import type { Actions } from '../core/actions'
import type { Message, State } from '../core/state'
import { MAX_LENGTH } from '../core/validate'
import type { LiveStatus } from './stream'
import { liveText } from './strings'

/**
 * Links an agent may send: http, https, mailto and tel (docs/platform-api.md, "Our
 * extensions: live chat"), up to the next space; a trailing `.`, `,`, `;`, `:`,
 * `!`, `?` or `)` ends the sentence, not the link.
 */
const LINK = /\b(?:https?:\/\/|mailto:|tel:)[^\s<>"]+?(?=[.,;:!?)]*(?:\s|$))/gi

/**
 * An agent's text as the visitor reads it: text nodes, with http(s), mailto and tel
 * addresses as links (web links open in a new tab, `rel="noopener noreferrer"`).
 * Never HTML: markup in the text shows as typed.
 */
export function Linked({ text, locale }: { text: string; locale: string }) {
  const out: ComponentChildren[] = []
  let last = 0
  for (const m of text.matchAll(LINK)) {
    const i = m.index ?? 0
    const url = m[0]
    const web = /^https?:/i.test(url)
    out.push(
      text.slice(last, i),
      <a href={url} target={web ? '_blank' : undefined} rel="noopener noreferrer">
        {url}
        {web && <span class="sr"> {liveText(locale, 'newTab')}</span>}
      </a>,
    )
    last = i + url.length
  }
  out.push(text.slice(last))
  return <>{out}</>
}

/** An agent's message: their name (visible, and read first), then the {@link Linked} text. */
export function AgentBody({ m, locale }: { m: Message; locale: string }) {
  return (
    <>
      <span class="who">
        {m.agent?.name || liveText(locale, 'agent')}
        <span class="sr">: </span>
      </span>
      <Linked text={m.text} locale={locale} />
    </>
  )
}

/**
 * The live chat's status line, a polite live region above the composer: waiting for
 * a person, "You're talking to Sam" (with the agent's picture) once a message or a
 * status names them, or closed. While the live stream reconnects (`net`, the
 * connection's {@link LiveStatus}: the network or the server dropped it), it says
 * "Reconnecting…" instead, and goes back once connected: what the visitor sends
 * meanwhile waits in the transcript outbox.
 */
export function LiveBar({
  state,
  locale,
  net,
}: {
  state: State
  locale: string
  net?: { readonly value: LiveStatus | undefined } | undefined
}) {
  const live = state.live.value
  if (!live) return null
  const agent = live.agent
  return (
    <p class="live" role="status">
      {agent?.picture && <img src={agent.picture} alt="" />}
      {live.phase === 'closed'
        ? liveText(locale, 'closed')
        : net?.value === 'reconnecting'
          ? liveText(locale, 'reconnecting')
          : agent
            ? liveText(locale, 'talkingTo', { name: agent.name })
            : liveText(locale, 'waiting')}
    </p>
  )
}

/** {@link LiveBar} for one live chat, told the state of its connection (`net`). */
export const barOf =
  (net: { readonly value: LiveStatus | undefined }) =>
  ({ state, locale }: { state: State; locale: string }) => (
    <LiveBar state={state} locale={locale} net={net} />
  )

/**
 * The live composer: a multi-line text box (16 px, so phones do not zoom in) where
 * Enter sends and Shift+Enter starts a new line (Enter while an input method is
 * composing is left to it). Each message (trimmed; blank ones are not sent) joins
 * the transcript, whose outbox sends it. Once the conversation is closed, a "Start
 * a new conversation" button in its place hands off again.
 */
export function LiveComposer({
  state,
  actions,
  locale,
}: {
  state: State
  actions: Actions
  locale: string
}) {
  const [text, setText] = useState('')
  const box = useRef<HTMLTextAreaElement>(null)
  const live = state.live.value
  const on = !!live && live.phase !== 'closed'
  const again = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    ;(box.current ?? again.current)?.focus()
  }, [on])
  if (!live) return null
  if (!on)
    return (
      <div class="choices">
        <button type="button" class="choice" ref={again} onClick={actions.handoff}>
          {liveText(locale, 'restart')}
        </button>
      </div>
    )
  const send = (e?: Event) => {
    e?.preventDefault()
    const said = text.trim()
    if (!said) return
    // As the visitor's message, outside any question (actions.ts `go`): saved, and sent by the transcript outbox.
    actions.go(undefined, said)
    setText('')
  }
  return (
    <form class="composer" onSubmit={send} noValidate>
      <div class="row">
        <textarea
          ref={box}
          id="rk-live"
          class="input"
          rows={1}
          maxLength={MAX_LENGTH.text}
          value={text}
          enterkeyhint="send"
          aria-label={liveText(locale, 'message')}
          placeholder={liveText(locale, 'message')}
          onInput={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) send(e)
          }}
        />
        <button class="send" type="submit">
          {liveText(locale, 'send')}
        </button>
      </div>
    </form>
  )
}
