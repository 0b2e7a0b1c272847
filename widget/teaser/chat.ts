/**
 * `Reekolect('showMessage', text)` in the mounted chat (part of the commands
 * chunk, widget/core/commands.ts): a teaser while the chat window is closed (the
 * teaser chunk, ./index.ts, imported on the first one), and the bot saying the
 * text in the chat once the visitor opens it.
 */
import { ASSETS, report } from '../../loader/log'
import type { Actions } from '../core/actions'
import type { MessageNode } from '../core/flow'
import { MAX_MESSAGES, type State } from '../core/state'

/** Id of the graph node that says a teaser's text before the start flow (`_` ids are reserved: schema.ts). */
export const LEAD_IN = '_teaser'

/** What {@link createShowMessage} needs from the chat. */
export interface ShowMessageDeps {
  state: State
  actions: Actions
  /** The loader's shadow root, where the launcher and the teaser are. */
  root: ShadowRoot
  /** The chat's current locale (BCP 47): the teaser's own strings follow it. */
  locale(): string
}

/**
 * Opens the chat with the bot saying `text`: in a new conversation first, before
 * the start flow's first message (a message node put before it: the flow runs
 * on, in the same render); in a going or restored one, after its last message.
 * Not said again when the bot already said it in this conversation (a teaser of
 * the bot's own first message, a second call). While the window is closed the
 * message would count as unread; it opens in the same task, so it does not.
 */
export function openWith(
  { state, actions }: Pick<ShowMessageDeps, 'state' | 'actions'>,
  text: string,
) {
  const g = actions.graph()
  const first = g.start ? g.node.get(g.start) : undefined
  let at: string | undefined
  if (g.start && !(first && 'text' in first && first.text === text)) {
    const node: MessageNode = { id: LEAD_IN, type: 'message', text, next: g.start }
    g.node.set(LEAD_IN, node)
    at = LEAD_IN
  }
  // Before `open`, whose own start() then shares this one.
  const started = actions.start(at).then(() => {
    const list = state.messages.peek()
    if (list.some((m) => m.from === 'bot' && m.text === text)) return
    // Outside the flow, as the live chunk adds an agent's message (widget/live/index.ts).
    state.messages.value = [
      ...list,
      { id: (list.at(-1)?.id ?? 0) + 1, from: 'bot' as const, text, at: Date.now() },
    ].slice(-MAX_MESSAGES)
    return actions.save()
  })
  actions.open()
  return started
}

/**
 * The `showMessage` command, arguments checked by the caller: while the window
 * is closed (and without `open`), a teaser previews `text` beside the launcher
 * and opening the chat from it says `text` there ({@link openWith}); while it is
 * open, or with `open`, the chat opens with it at once. A teaser dismissed in this
 * tab does not show again (widget/teaser/index.ts). `dispose` removes the teaser.
 */
export function createShowMessage(deps: ShowMessageDeps) {
  let hide: (() => void) | undefined
  let disposed = false
  return {
    showMessage(text: string, open = false): void {
      if (open || deps.state.open.peek()) {
        hide?.()
        void openWith(deps, text)
        return
      }
      import('./index').then(
        (m) => {
          if (disposed) return
          hide = m.showTeaser(deps.root, {
            text,
            locale: deps.locale(),
            open: () => void openWith(deps, text),
          })
        },
        () => report('E_LOAD', 'the teaser chunk could not load', ASSETS),
      )
    },
    dispose(): void {
      disposed = true
      hide?.()
    },
  }
}
