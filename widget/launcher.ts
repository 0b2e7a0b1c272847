/**
 * The chat's state on the loader's launcher (`button.launcher` in the shadow root,
 * drawn by loader/index.ts): whether the chat is open, its accessible name in the
 * visitor's language, and the unread badge.
 */
import { effect, type ReadonlySignal } from '@preact/signals-core'
import type { Translate } from './core/i18n'
import type { State } from './core/state'

/**
 * Shows `open` (`aria-expanded`), `label` (the accessible name, which carries the
 * unread count) and `unread` (0 hides the badge) on the launcher, when there is one
 * (page mode has none). Focus returns to it when the chat closes with focus inside
 * (WCAG 2.4.3).
 */
function paint(root: ShadowRoot, open: boolean, unread: number, label: string): void {
  const button = root.querySelector('.launcher')
  if (!button) return
  const was = button.getAttribute('aria-expanded') === 'true'
  button.setAttribute('aria-expanded', String(open))
  button.setAttribute('aria-label', label)
  // Drawn by the chat's sheet (chat.css, [data-unread]::after) on the loader's button.
  if (unread) button.setAttribute('data-unread', String(unread))
  else button.removeAttribute('data-unread')
  if (was && !open && root.activeElement) (button as HTMLElement).focus()
}

/**
 * Keeps the launcher in step with the chat: open or closed, and the number of bot
 * messages the visitor has not seen (capped at 99; none while open or with `badge`
 * off), in its badge and, for screen readers, in its name (WCAG 1.1.1, 4.1.2):
 * "Open chat, 3 unread".
 *
 * @param t the visitor's translator, a signal because `setLocale` changes it.
 * @returns a function that stops following the state.
 */
export function showLauncher(
  root: ShadowRoot,
  state: Pick<State, 'open' | 'unread'>,
  t: ReadonlySignal<Translate>,
  badge = true,
): () => void {
  return effect(() => {
    const open = state.open.value
    const unread = open || !badge ? 0 : Math.min(state.unread.value, 99)
    const tr = t.value
    const name = tr(open ? 'close' : 'open') + (unread ? `, ${tr('unread', { n: unread })}` : '')
    paint(root, open, unread, name)
  })
}
