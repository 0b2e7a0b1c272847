/**
 * The live preview: the sample host site (preview.html) in an iframe, with the
 * real tag of the playground's bot. The playground restarts it after each apply
 * (the widget reads its document at page load) with a new visitor, so a new chat
 * starts on the new document; the bot and customer stay, so its leads reach the
 * inbox. Its events arrive by postMessage; commands go the same way.
 */
import { $ } from './dom'
import { BOT, CUSTOMER, TOKEN } from './ids'
import { isRecord } from './jsontext'
import type { Log } from './log'

/** What the preview page posts (host.ts): a widget event or console line, or its own load. */
export interface PreviewMessage {
  source: 'reekolect-preview'
  kind: 'event' | 'console' | 'loaded'
  name: string
  payload?: unknown
}

/** What the playground posts to the preview (host.ts runs it as `window.Reekolect(command, ...args)`). */
export interface PlaygroundMessage {
  source: 'reekolect-playground'
  command: string
  args: unknown[]
}

const isPreviewMessage = (d: unknown): d is PreviewMessage =>
  isRecord(d) && d.source === 'reekolect-preview' && typeof d.name === 'string'

/** Loads the preview, relays its events to the log, wires the commands and the width switch. */
export function startPreview(log: Log) {
  const frame = $('preview-frame', HTMLIFrameElement)
  const wrap = $('frame-wrap')
  const base = `/demo/playground/preview.html?${new URLSearchParams({ bot: BOT, customer: CUSTOMER, token: TOKEN })}`
  frame.src = base
  $('preview-tab', HTMLAnchorElement).href = base
  /** Whether the chat is open in the preview (from its events), to reopen it after a restart. */
  let open = false
  let restarts = 0

  window.addEventListener('message', (e: MessageEvent<unknown>) => {
    if (e.origin !== location.origin || e.source !== frame.contentWindow) return
    const d = e.data
    if (!isPreviewMessage(d)) return
    if (d.kind === 'event') {
      if (d.name === 'open') open = true
      if (d.name === 'close') open = false
      log.add('event', d.name, d.payload)
    } else if (d.kind === 'console') log.add('console', d.name, d.payload)
    // A reloaded page reopens the chat by itself when it was open (the loader's session
    // key, or `open=1` of a restart), without an `open` event: `open` stays as it was.
    else if (d.kind === 'loaded') log.add('info', 'preview:loaded')
  })

  // Desktop or phone width.
  const desktop = $('size-desktop')
  const phone = $('size-phone')
  const size = (narrow: boolean) => {
    wrap.classList.toggle('phone', narrow)
    desktop.setAttribute('aria-pressed', String(!narrow))
    phone.setAttribute('aria-pressed', String(narrow))
  }
  desktop.addEventListener('click', () => size(false))
  phone.addEventListener('click', () => size(true))
  $('reload').addEventListener('click', () => {
    log.add('info', 'preview:reload')
    frame.contentWindow?.location.reload()
  })

  /** Sends `window.Reekolect(command, ...args)` to the preview. */
  const send = (command: string, ...args: unknown[]) => {
    log.add('command', command, args.length ? args : undefined)
    const message: PlaygroundMessage = { source: 'reekolect-playground', command, args }
    frame.contentWindow?.postMessage(message, location.origin)
  }
  for (const b of document.querySelectorAll<HTMLElement>('[data-command]'))
    b.addEventListener('click', () => {
      const command = b.dataset.command ?? ''
      if (command === 'identify')
        send('identify', {
          name: 'Sam Sample',
          email: 'sam.sample@example.com',
          tags: ['playground'],
          attributes: { plan: 'trial' },
        })
      else send(command)
    })
  const flow = $('flow', HTMLSelectElement)
  const startFlow = $('start-flow')
  startFlow.addEventListener('click', () => {
    if (flow.value) send('startFlow', flow.value)
  })
  const locale = $('locale', HTMLSelectElement)
  $('set-locale').addEventListener('click', () => send('setLocale', locale.value))

  return {
    /** Restarts the preview with a new visitor (reopening the chat when it was open). */
    restart() {
      restarts++
      const url = `${base}&visitor=new&open=${open ? 1 : 0}&n=${restarts}`
      log.add('info', 'preview:restart', { newVisitor: true, reopen: open })
      // replace(): no entry in the playground's history per apply.
      if (frame.contentWindow) frame.contentWindow.location.replace(url)
      else frame.src = url
    },
    /**
     * The flows of the document the preview runs, for "Start flow" (`null`: the
     * built-in flow). The document is one the server accepted.
     */
    setDocument(doc: unknown) {
      const flows: unknown[] = isRecord(doc) && Array.isArray(doc.flows) ? doc.flows : []
      flow.replaceChildren(
        ...flows
          .filter(isRecord)
          .map((f) => new Option(f.name ? `${f.name} (${f.id})` : String(f.id), String(f.id))),
      )
      if (!flows.length) flow.append(new Option('Built-in flow: no flow ids', ''))
      flow.disabled = !flows.length
      startFlow.setAttribute('aria-disabled', String(!flows.length))
    },
  }
}

/** The preview's controls. */
export type Preview = ReturnType<typeof startPreview>
