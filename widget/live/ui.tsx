import type { ReadonlySignal } from '@preact/signals-core'
import type { ComponentChildren } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import { TYPES } from '../attach/types'
import type { Actions } from '../core/actions'
import type { Agent, Attachment, Message, State } from '../core/state'
import { MAX_LENGTH } from '../core/validate'
import type { Csat } from '../csat'
import { TextBox } from '../more/TextBox'
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

/**
 * `bytes` as the visitor reads a file size in `locale`: kB under 1 MB, else MB
 * with one decimal (`Intl.NumberFormat` units, decimal: 1 kB = 1,000 bytes, as
 * browsers' download lists show them). A locale `Intl` rejects reads as the browser's.
 */
export function fileSize(bytes: number, locale: string): string {
  const mb = bytes >= 1e6
  const o: Intl.NumberFormatOptions = {
    style: 'unit',
    unit: mb ? 'megabyte' : 'kilobyte',
    maximumFractionDigits: mb ? 1 : 0,
  }
  const n = Math.max(mb ? bytes / 1e6 : bytes / 1e3, mb ? 0 : 1)
  try {
    return new Intl.NumberFormat(locale, o).format(n)
  } catch {
    return new Intl.NumberFormat(undefined, o).format(n)
  }
}

/** A document: the icon of a file that is not shown as an image. */
export const DocIcon = () => (
  <svg class="doc" viewBox="0 0 24 24" aria-hidden="true">
    <path d="M6 2h8l5 5v15H6zM14 2v5h5M9 13h7M9 17h7" />
  </svg>
)

/**
 * The file a message sends, at the end of its bubble: a link that opens it in a
 * new tab, showing the image itself (the inbox's URL: the site's `img-src` must
 * allow the API origin, docs/architecture.md, "Security, CSP and privacy"; a
 * blocked or broken image shows the document icon instead) or the document icon,
 * with its type and size. The message's text is the file's name.
 */
export function FileCard({ a, locale }: { a: Attachment; locale: string }) {
  const [broken, setBroken] = useState(false)
  return (
    <a class="file" href={a.url} target="_blank" rel="noopener noreferrer">
      {a.type.startsWith('image/') && !broken ? (
        <img src={a.url} alt="" onError={() => setBroken(true)} />
      ) : (
        <DocIcon />
      )}
      <span class="sr">{liveText(locale, 'openFile')}, </span>
      {a.type.split('/')[1]?.toUpperCase()} · {fileSize(a.size, locale)}
      <span class="sr"> {liveText(locale, 'newTab')}</span>
    </a>
  )
}

/**
 * An agent's message: the {@link Linked} text after their name, which the first
 * message of a run of theirs (`first`, the transcript's grouping) shows with their
 * picture, and the others give screen readers only.
 */
export function AgentBody({ m, locale, first }: { m: Message; locale: string; first?: boolean }) {
  const name = m.agent?.name || liveText(locale, 'agent')
  const picture = m.agent?.picture
  return (
    <>
      {first ? (
        <span class="who">
          {picture && <img src={picture} alt="" />}
          {name}
          <span class="sr">: </span>
        </span>
      ) : (
        <span class="sr">{name}: </span>
      )}
      <Linked text={m.text} locale={locale} />
    </>
  )
}

/**
 * The live chat's status line, a polite live region above the composer: waiting for
 * a person, the team away (offline.ts), "You're talking to Sam" (with the agent's
 * picture) once a message or a status names them, or closed. While the live
 * stream reconnects (`net`, the connection's {@link LiveStatus}: the network or
 * the server dropped it), it says "Reconnecting…" instead, and goes back once
 * connected: what the visitor sends meanwhile waits in the transcript outbox.
 * Above it, while `typing` names an agent (and the chat is not closed), "Sam is
 * typing…" with three dots that pulse (none under `prefers-reduced-motion`):
 * below the messages, in no live region, so it is never announced as a message
 * nor each time it comes and goes.
 */
export function LiveBar({
  state,
  locale,
  typing,
  net,
}: {
  state: State
  locale: string
  /** The name of the agent typing now, if any. */
  typing?: string | undefined
  net?: { readonly value: LiveStatus | undefined } | undefined
}) {
  const live = state.live.value
  if (!live) return null
  const agent = live.agent
  const closed = live.phase === 'closed'
  return (
    <>
      {typing && !closed && (
        <p class="typing">
          <span class="dots" aria-hidden="true">
            <i />
            <i />
            <i />
          </span>
          {liveText(locale, 'typing', { name: typing })}
        </p>
      )}
      <p class="live" role="status">
        {agent?.picture && <img src={agent.picture} alt="" />}
        {closed
          ? liveText(locale, 'closed')
          : net?.value === 'reconnecting'
            ? liveText(locale, 'reconnecting')
            : agent
              ? liveText(locale, 'talkingTo', { name: agent.name })
              : liveText(locale, live.phase === 'away' ? 'away' : 'waiting')}
      </p>
    </>
  )
}

/**
 * The live composer: a multi-line text box (16 px, so phones do not zoom in) where
 * Enter sends and Shift+Enter starts a new line (Enter while an input method is
 * composing is left to it). Each message (trimmed; blank ones are not sent) joins
 * the transcript, whose outbox sends it. Each input that leaves text calls
 * `onType` (the connection's throttled `typing()`, which tells the agent). The text
 * box grows with the text and counts characters near the limit (widget/more/TextBox.tsx).
 * Once the conversation is closed it is gone: the "New conversation" action
 * (widget/more/) starts the bot's chat flow again. While the chat is away and the
 * email question waits, it gives way to the question's composer.
 * With `onFiles`, an attach button before the text box opens the file picker (images
 * and PDFs, widget/attach/types.ts), and files dropped on the chat window or pasted
 * into the text box go the same way.
 */
export function LiveComposer({
  state,
  actions,
  locale,
  onType,
  onFiles,
  tray,
}: {
  state: State
  actions: Actions
  locale: string
  onType?: (() => void) | undefined
  /**
   * Files the visitor chose (the attach button), dropped on the chat window or pasted
   * into its text box; called with none when the attach button is pressed, so the
   * attach chunk loads while the file picker is open. Without it, no attach button.
   */
  onFiles?: ((files: File[]) => void) | undefined
  /** The attachment tray above the text box (the attach chunk's), once loaded. */
  tray?: ComponentChildren
}) {
  const [text, setText] = useState('')
  const box = useRef<HTMLElement>(null)
  const picker = useRef<HTMLInputElement>(null)
  const live = state.live.value
  const on = !!live && live.phase !== 'closed'
  // Away, the email question (offline.ts) comes first: one text box at a time.
  const asking = live?.phase === 'away' && !!state.ask.value
  useEffect(() => {
    box.current?.focus()
  }, [on, asking])
  // Files dropped anywhere on the chat window (its shadow root), not only on the
  // composer: one dropped beside it would otherwise open in the host page's tab.
  useEffect(() => {
    const root = box.current?.getRootNode()
    if (!onFiles || !root) return
    const over = (e: Event) => {
      if ((e as DragEvent).dataTransfer?.types.includes('Files')) e.preventDefault()
    }
    const drop = (e: Event) => {
      const list = (e as DragEvent).dataTransfer?.files
      if (!list?.length) return
      e.preventDefault()
      onFiles([...list])
    }
    root.addEventListener('dragover', over)
    root.addEventListener('drop', drop)
    return () => {
      root.removeEventListener('dragover', over)
      root.removeEventListener('drop', drop)
    }
  }, [on, asking, onFiles])
  // Closed: the "New conversation" action (widget/more/) takes its place.
  if (!on || asking) return null
  const send = (e?: Event) => {
    e?.preventDefault()
    const said = text.trim()
    if (!said) return
    // As the visitor's message, outside any question (actions.ts `go`): saved, and sent by the transcript outbox.
    actions.go(undefined, said)
    setText('')
  }
  const files = (list: FileList | null | undefined, e?: Event) => {
    if (!onFiles || !list?.length) return
    e?.preventDefault()
    onFiles([...list])
  }
  return (
    <form class="composer" onSubmit={send} noValidate>
      {tray}
      <div class="row">
        {onFiles && (
          <>
            <button
              type="button"
              class="clip"
              aria-label={liveText(locale, 'attach')}
              title={liveText(locale, 'attach')}
              onClick={() => {
                onFiles([])
                picker.current?.click()
              }}
            >
              <svg viewBox="0 0 24 24" aria-hidden="true">
                <path d="M20 11.5l-8.1 8.1a5 5 0 01-7.1-7.1l8.5-8.5a3.3 3.3 0 014.7 4.7l-8.5 8.5a1.7 1.7 0 01-2.4-2.4l7.8-7.8" />
              </svg>
            </button>
            <input
              ref={picker}
              type="file"
              hidden
              multiple
              accept={TYPES.join()}
              onChange={(e) => {
                files(e.currentTarget.files)
                e.currentTarget.value = ''
              }}
            />
          </>
        )}
        <TextBox
          box={box}
          onPaste={(e: ClipboardEvent) => files(e.clipboardData?.files, e)}
          id="rk-live"
          class="input"
          maxLength={MAX_LENGTH.text}
          value={text}
          enterkeyhint="send"
          aria-label={liveText(locale, 'message')}
          placeholder={liveText(locale, 'message')}
          onInput={(e) => {
            const value = e.currentTarget.value
            setText(value)
            if (value.trim()) onType?.()
          }}
        />
        <button class="send" type="submit">
          {liveText(locale, 'send')}
        </button>
      </div>
    </form>
  )
}

/**
 * The parts of the chat window bound to one live chat (index.ts `LiveUi`): the
 * composer tells the agent while the visitor types (`onType`) and takes files
 * (`onFiles`, with the attach chunk's `tray` above it), and the status line shows
 * the agent `typing`; each message's file ({@link FileCard}), time and read state
 * are the transcript's (widget/ui/bubbles.tsx `Meta`). Once the csat chunk is
 * loaded (`csat`), its rating shows above the composer.
 */
export function bindUi(live: {
  state: State
  typing: ReadonlySignal<Agent | undefined>
  onType(): void
  /** The state of the chat's live connection, read in render. */
  net?: { readonly value: LiveStatus | undefined }
  /** The conversation rating (widget/csat/), once loaded. */
  csat?: ReadonlySignal<Csat | undefined>
  /** Files to send (live/index.ts: loads the attach chunk); without it, no attach button. */
  onFiles?: ((files: File[]) => void) | undefined
  /** The attach chunk's tray, read in render: `undefined` until it has loaded. */
  tray?: { readonly value: ((p: { locale: string }) => ComponentChildren) | undefined }
}) {
  return {
    Composer: (p: { state: State; actions: Actions; locale: string }) => {
      const Rating = live.csat?.value?.Card
      const Tray = live.tray?.value
      return (
        <>
          {Rating && <Rating locale={p.locale} />}
          <LiveComposer
            {...p}
            onType={live.onType}
            onFiles={live.onFiles}
            tray={Tray && <Tray locale={p.locale} />}
          />
        </>
      )
    },
    Bar: (p: { state: State; locale: string }) => (
      <LiveBar {...p} typing={live.typing.value?.name} net={live.net} />
    ),
    Body: AgentBody,
  }
}
