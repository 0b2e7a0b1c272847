/**
 * The chat window chunk's composition root. Importing it does nothing
 * (DESIGN.md §4.2); the loader calls {@link mount}.
 */
import { effect } from '@preact/signals-core'
import { h, render } from 'preact'
import type { HostBridge, Mount, MountedWidget, WidgetConfig } from '../loader/protocol'
import { createActions } from './core/actions'
import { createLeadSender } from './core/api'
import { builtinFlow } from './core/flow'
import { translator } from './core/i18n'
import { report } from './core/log'
import { createOutbox } from './core/outbox'
import { createState } from './core/state'
import { createKv } from './core/storage'
import { ChatWindow } from './ui/ChatWindow'
import css from './ui/chat.css?inline'

/** Guesses the dial-code country from the locale's region (`en-GB` → `GB`), no network. */
function regionOf(locale: string): string {
  try {
    return new Intl.Locale(locale).maximize().region ?? 'US'
  } catch {
    return 'US'
  }
}

/**
 * Mounts the chat window into the loader's shadow root.
 *
 * @param host what the loader provides (shadow root, visitor UUID, launcher state, styling).
 * @param config the options read from the script tag.
 * @returns `dispatch` for host commands and `unmount`, which removes everything it added.
 */
export const mount: Mount = (host: HostBridge, config: WidgetConfig): MountedWidget => {
  const locale = config.locale || navigator.language || 'en'
  const t = translator(locale)
  const state = createState()
  const kv = createKv()
  const outbox = createOutbox(kv, createLeadSender(config))
  const ids = () => ({ uuid: host.uuid(), botId: config.botId, customerId: config.customerId })
  const actions = createActions(state, {
    flow: builtinFlow(t),
    kv,
    ids,
    sync: outbox.put,
    phone: async (raw, country) => (await import('./core/phone')).parsePhone(raw, country),
  })

  host.style(css)
  const container = document.createElement('div')
  host.root.append(container)
  render(
    h(ChatWindow, { state, actions, t, locale, country: regionOf(locale), mode: config.mode }),
    container,
  )
  const stopLauncher = effect(() => host.launcher(state.open.value, state.unread.value))

  // Deliver pending leads now, when the network returns, and on page hide
  // (keepalive fetch: sendBeacon cannot send the x-bp-token header, DESIGN.md §5).
  const flushNow = () => void outbox.flush(false, true)
  const onHide = () => {
    if (document.visibilityState === 'hidden') void outbox.flush(true)
  }
  const listeners: [EventTarget, string, () => void][] = [
    [window, 'online', flushNow],
    [window, 'pageshow', flushNow],
    [window, 'pagehide', () => void outbox.flush(true)],
    [document, 'visibilitychange', onHide],
  ]
  for (const [target, type, fn] of listeners) target.addEventListener(type, fn)
  void outbox.flush()
  if (config.mode === 'page') actions.open()

  const commands: Record<string, () => void> = {
    open: actions.open,
    close: actions.close,
    toggle: actions.toggle,
  }
  return {
    dispatch(command, ..._args) {
      const run = commands[command]
      if (run) run()
      else
        report(
          'E_COMMAND',
          `unknown command "${String(command)}"`,
          'see the JavaScript API in the README',
        )
    },
    unmount() {
      stopLauncher()
      outbox.dispose()
      for (const [target, type, fn] of listeners) target.removeEventListener(type, fn)
      render(null, container)
      container.remove()
    },
  }
}
