/**
 * The attach chunk: loaded when the visitor of a live chat first reaches for a
 * file (the live composer's attach button, a file dropped on the chat window or
 * pasted into it; widget/live/index.ts). It checks each file (type by its bytes,
 * size), shows it in a tray above the text box with a preview (an image drawn on
 * a canvas, a PDF's icon, name and size) and a progress bar while it uploads to
 * `POST {api}/inbox/direct/attachments` (upload.ts), then adds it to the
 * transcript as the visitor's message, which the transcript outbox sends to the
 * inbox like any other (docs/platform-api.md, "Attachments").
 *
 * Nothing is lost: a failed upload (no answer, 408, 429, 5xx) is tried again by
 * itself with backoff, then stays in the tray with Retry (and is tried again when
 * the browser comes back online). Files waiting to be sent are kept in IndexedDB
 * ({@link filesKey}): the next page or a reload shows them again, with Retry. A
 * refused one (too large, wrong type, a 4xx)
 * stays with the reason until the visitor removes it, and one
 * `[Reekolect] E_ATTACHMENT` line tells the site owner (docs/troubleshooting.md).
 */
import { batch, effect, signal } from '@preact/signals-core'
import { useEffect, useRef } from 'preact/hooks'
import { report } from '../../loader/log'
import type { Actions } from '../core/actions'
import { type Attachment, MAX_MESSAGES, type State } from '../core/state'
import type { Kv } from '../core/storage'
import { DocIcon, fileSize } from '../live/ui'
import { SNIFF_BYTES, sniff } from './sniff'
import { type AttachKey, attachText } from './strings'
import { filesKey, MAX_ATTACHMENT, TYPES } from './types'
import { type Upload, type UploadResult, upload } from './upload'

/** Attempts of one upload before it waits for Retry (the first and two automatic ones). */
export const ATTEMPTS = 3
/** Wait before the second attempt (ms); it doubles for the next, with jitter (× 0.5 to 1). */
export const RETRY_BASE = 1000

/**
 * A file in the tray:
 * - `sending`: uploading, `progress` from 0 to 1;
 * - `waiting`: an attempt failed, the next starts by itself;
 * - `failed`: every attempt failed (no answer, or the server's 408, 429, 5xx): Retry;
 * - `refused`: it cannot be sent (`why`): too large, not an accepted type, or a 4xx.
 */
export interface Item {
  key: number
  file: File
  name: string
  /** The sniffed type, when the file is an accepted one. */
  type?: string
  status: 'sending' | 'waiting' | 'failed' | 'refused'
  progress: number
  why?: AttachKey
}

/**
 * Where uploads go: `data-api-url` (no trailing slash), `data-token` and the
 * conversation's ids; `kv`, where the files waiting to be sent are kept.
 */
export interface AttachLink {
  api: string
  token: string
  ids(): { uuid: string; botId: string; customerId: string }
  kv?: Kv | undefined
}

/** A file kept for the next page ({@link filesKey}). */
interface Kept {
  name: string
  type: string
  file: Blob
}

/** Test seams of {@link createAttach}: the upload, the timer and the jitter source. */
export interface AttachOptions {
  send?: typeof upload
  /** Schedules `fn` after `ms`; returns a cancel function. Default `setTimeout`. */
  later?: (fn: () => void, ms: number) => () => void
  random?: () => number
  now?: () => number
}

/** Why the server refused a file, by its status; any other 4xx is `refused`. */
const REFUSED: Record<number, AttachKey> = { 413: 'tooLarge', 415: 'wrongType' }

/** What the site owner is told for a status the widget cannot fix by retrying. */
const FIX: Record<number, string> = {
  401: 'check data-token',
  403: 'allow this site’s origin for the token',
  404: 'serve POST inbox/direct/attachments on the API origin (docs/platform-api.md, "Attachments")',
  405: 'serve POST inbox/direct/attachments on the API origin (docs/platform-api.md, "Attachments")',
}

/** Whether a status is worth trying again: no answer (0), 408, 429, 5xx. */
const transient = (status: number) => !status || status === 408 || status === 429 || status >= 500

/** An image's preview: drawn on a canvas (no object URL, so the site's `img-src` needs no `blob:`), cropped square. */
function Thumb({ file }: { file: File }) {
  const ref = useRef<HTMLCanvasElement>(null)
  useEffect(() => {
    let gone = false
    createImageBitmap(file).then(
      (b) => {
        const c = ref.current
        const g = c?.getContext('2d')
        if (!gone && c && g) {
          const s = Math.min(b.width, b.height)
          g.drawImage(b, (b.width - s) / 2, (b.height - s) / 2, s, s, 0, 0, c.width, c.height)
        }
        b.close()
      },
      () => undefined,
    )
    return () => {
      gone = true
    }
  }, [file])
  return <canvas ref={ref} class="thumb" width={96} height={96} />
}

/**
 * Creates the attachments of one live chat. `actions.save` persists the chat once
 * a file's message joins the transcript.
 * @returns `add(files)` (the tray takes them; each is checked, then uploaded),
 *   `restore(kept)` (the files an earlier page kept), `items` (the tray's files),
 *   `retry(key)`, `remove(key)`, the `Tray` component and `dispose()`, which
 *   stops uploads and timers.
 */
export function createAttach(
  state: State,
  actions: Pick<Actions, 'save'>,
  link: AttachLink,
  opts: AttachOptions = {},
) {
  const {
    send = upload,
    random = Math.random,
    now = Date.now,
    later = (fn, ms) => {
      const t = setTimeout(fn, ms)
      return () => clearTimeout(t)
    },
  } = opts
  const items = signal<Item[]>([])
  /** What the tray's live region says last (a file refused, failed, tried again). */
  const notice = signal('')
  /** The running upload or pending wait of each file, by key. */
  const running = new Map<number, { abort(): void }>()
  let next = 0
  let locale = 'en'

  /** The visitor whose files are kept, and the writes in order. */
  let keptFor: string | undefined
  let writes: Promise<unknown> = Promise.resolve()
  /** Keeps the files that wait to be sent (checked, not refused) for the next page; none: the key goes. */
  const keep = () => {
    const kv = link.kv
    if (!kv) return
    const uuid = keptFor ?? link.ids().uuid
    const files: Kept[] = items
      .peek()
      .flatMap((i) =>
        i.type && i.status !== 'refused' ? [{ name: i.name, type: i.type, file: i.file }] : [],
      )
    keptFor = files.length ? uuid : undefined
    writes = writes
      .then(() =>
        files.length ? kv.set(filesKey(uuid), { at: now(), files }) : kv.del(filesKey(uuid)),
      )
      .catch(() => undefined)
  }

  const patch = (key: number, change: Partial<Item>) => {
    items.value = items.value.map((i) => (i.key === key ? { ...i, ...change } : i))
  }
  const say = (i: Pick<Item, 'name'>, key: AttachKey) => {
    notice.value = `${i.name}: ${attachText(locale, key)}`
  }

  /** The file's message joins the transcript (the outbox sends it) and leaves the tray. */
  const sent = (key: number, a: Attachment) => {
    batch(() => {
      const list = state.messages.value
      const id = (list.at(-1)?.id ?? 0) + 1
      state.messages.value = [
        ...list,
        { id, from: 'visitor' as const, text: a.name, at: now(), attachment: a },
      ].slice(-MAX_MESSAGES)
      items.value = items.value.filter((i) => i.key !== key)
    })
    keep()
    void actions.save()
  }

  const refuse = (i: Item, why: AttachKey, what: string, fix: string) => {
    patch(i.key, { status: 'refused', why })
    say(i, why)
    report('E_ATTACHMENT', `${i.name} was not sent: ${what}`, fix)
  }

  const attempt = (i: Item, n: number) => {
    patch(i.key, { status: 'sending', progress: 0 })
    const ids = link.ids()
    const u: Upload = send({
      ...link,
      ids,
      file: i.file,
      name: i.name,
      onProgress: (sentBytes, total) => patch(i.key, { progress: total ? sentBytes / total : 0 }),
    })
    running.set(i.key, u)
    void u.done.then((res: UploadResult) => {
      if (running.get(i.key) !== u) return
      running.delete(i.key)
      if (res.attachment) return sent(i.key, res.attachment)
      const s = res.status
      if (transient(s)) {
        if (n < ATTEMPTS) {
          patch(i.key, { status: 'waiting' })
          say(i, 'retrying')
          const ms = RETRY_BASE * 2 ** (n - 1) * (0.5 + random() / 2)
          running.set(i.key, { abort: later(() => attempt(i, n + 1), ms) })
          return
        }
        patch(i.key, { status: 'failed' })
        say(i, 'failed')
        report(
          'E_ATTACHMENT',
          `${i.name} could not be uploaded after ${ATTEMPTS} attempts (${s ? `HTTP ${s}` : 'no answer: offline, CORS or a blocker'}); it waits for Retry`,
          'the API origin must allow POST inbox/direct/attachments from this site with the header x-bp-token',
        )
        return
      }
      refuse(
        i,
        REFUSED[s] ?? 'refused',
        `the platform answered ${s}${res.message ? ` (${res.message})` : ''}`,
        FIX[s] ?? 'see docs/platform-api.md, "Attachments": images and PDF files up to 10 MB',
      )
    })
  }

  /** Checks one file (its size, then its first bytes), then uploads it or refuses it. */
  const check = async (i: Item) => {
    if (i.file.size > MAX_ATTACHMENT)
      return refuse(i, 'tooLarge', `it is larger than 10 MB (${i.file.size} bytes)`, NOTHING)
    const head = new Uint8Array(
      await i.file
        .slice(0, SNIFF_BYTES)
        .arrayBuffer()
        .catch(() => new ArrayBuffer(0)),
    )
    const type = sniff(head)
    if (!type)
      return refuse(
        i,
        'wrongType',
        `its content is not PNG, JPEG, GIF, WebP or PDF (declared ${i.file.type || 'no type'})`,
        NOTHING,
      )
    patch(i.key, { type })
    keep()
    attempt({ ...i, type }, 1)
  }

  /** Tries every failed file again at once. */
  const retryAll = () => {
    for (const i of items.peek()) if (i.status === 'failed') attempt(i, 1)
  }
  addEventListener('online', retryAll)
  /** Stops every upload and wait, and empties the tray. */
  const clear = () => {
    for (const r of running.values()) r.abort()
    running.clear()
    items.value = []
  }
  // A reset (a new visitor) or the chat's end of live mode: this visitor's files go, here and kept.
  const unfollow = effect(() => {
    if (state.live.value || !items.peek().length) return
    clear()
    keep()
  })

  const api = {
    items,
    /** Takes `files` into the tray, in order; each is checked, then uploaded. */
    add(files: File[]): void {
      const added = files.map(
        (file): Item => ({
          key: ++next,
          file,
          name: file.name || 'file',
          status: 'sending',
          progress: 0,
        }),
      )
      items.value = [...items.value, ...added]
      for (const i of added) void check(i)
    },
    /**
     * Shows the files an earlier page kept ({@link filesKey}, read by the live
     * chunk), as failed: Retry (or the browser coming back online) sends them.
     * Entries of another shape are ignored.
     */
    restore(kept: unknown): void {
      const list = (kept as { files?: unknown } | undefined)?.files
      if (!Array.isArray(list)) return
      const restored = list.flatMap((k: Partial<Kept>): Item[] =>
        k?.file instanceof Blob &&
        typeof k.name === 'string' &&
        (TYPES as readonly unknown[]).includes(k.type)
          ? [
              {
                key: ++next,
                file:
                  k.file instanceof File ? k.file : new File([k.file], k.name, { type: k.type }),
                name: k.name,
                type: k.type as string,
                status: 'failed',
                progress: 0,
              },
            ]
          : [],
      )
      keptFor = link.ids().uuid
      items.value = [...items.value, ...restored]
    },
    /** Tries a failed file again, from its first attempt. */
    retry(key: number): void {
      const i = items.peek().find((x) => x.key === key)
      if (i?.status === 'failed') attempt(i, 1)
    },
    /** Drops a file from the tray, stopping its upload or its wait. */
    remove(key: number): void {
      running.get(key)?.abort()
      running.delete(key)
      items.value = items.value.filter((i) => i.key !== key)
      keep()
    },
    /**
     * The tray above the live composer's text box: each file with its preview,
     * name and size, a progress bar while it uploads, why it cannot be sent, Retry
     * once it failed, and a button that removes it. A polite live region says when
     * a file is refused, fails or is tried again; its message, once sent, is
     * announced by the transcript. Its styles are the live chunk's (live.css).
     */
    Tray({ locale: l }: { locale: string }) {
      locale = l
      const t = (key: AttachKey, vars?: Record<string, string>) => attachText(l, key, vars)
      const list = items.value
      const focusBox = (e: Event) =>
        ((e.currentTarget as Element).getRootNode() as ShadowRoot)
          .getElementById('rk-live')
          ?.focus()
      return (
        <div class="tray">
          {list.length > 0 && (
            <ul aria-label={t('tray')}>
              {list.map((i) => (
                <li key={i.key} class={`item ${i.status}`}>
                  {i.type?.startsWith('image/') ? <Thumb file={i.file} /> : <DocIcon />}
                  <span class="what">
                    <span class="name">{i.name}</span>
                    <span class="size">{fileSize(i.file.size, l)}</span>
                    {i.status === 'sending' && (
                      <progress
                        max={1}
                        value={i.progress}
                        aria-label={t('uploading', { name: i.name })}
                      />
                    )}
                    {i.status === 'waiting' && <span class="state">{t('retrying')}</span>}
                    {i.status === 'failed' && <span class="err">{t('failed')}</span>}
                    {i.why && <span class="err">{t(i.why)}</span>}
                  </span>
                  {i.status === 'failed' && (
                    <button
                      type="button"
                      class="choice"
                      onClick={(e) => {
                        focusBox(e)
                        api.retry(i.key)
                      }}
                    >
                      {t('retry')}
                    </button>
                  )}
                  <button
                    type="button"
                    class="x"
                    aria-label={t('remove', { name: i.name })}
                    onClick={(e) => {
                      focusBox(e)
                      api.remove(i.key)
                    }}
                  >
                    <svg viewBox="0 0 24 24" aria-hidden="true">
                      <path d="M6 6l12 12M18 6L6 18" />
                    </svg>
                  </button>
                </li>
              ))}
            </ul>
          )}
          <p class="sr" aria-live="polite">
            {notice.value}
          </p>
        </div>
      )
    },
    /** Stops every upload and wait; the tray empties (what is kept stays kept, for the next page). */
    dispose(): void {
      removeEventListener('online', retryAll)
      unfollow()
      clear()
    },
  }
  return api
}

/** A refusal the site owner need not fix: the visitor chose a file the chat does not take. */
const NOTHING = 'nothing to fix on the site: the visitor was told which files can be sent'

/** The attachments of one live chat, as returned by {@link createAttach}. */
export type Attach = ReturnType<typeof createAttach>
