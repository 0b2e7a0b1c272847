// @vitest-environment happy-dom
/**
 * The attachment tray of a live chat (widget/attach/): what the visitor sees of
 * each file (refused, uploading, tried again, failed with Retry), what joins the
 * transcript once sent, and what the site owner reads in the console. The upload
 * (upload.ts) and the timers are fakes.
 */
// Components re-render on the signals they read, as in the chat window (whose entry installs this).
import '@preact/signals'
import { act, cleanup, fireEvent, render, screen } from '@testing-library/preact'
import {
  afterEach,
  beforeEach,
  describe,
  expect,
  it,
  type Mock,
  type MockInstance,
  vi,
} from 'vitest'
import { createState, type State } from '../core/state'
import { type Kv, memoryKv } from '../core/storage'
import { ATTEMPTS, createAttach, RETRY_BASE } from '.'
import { filesKey, MAX_ATTACHMENT } from './types'
import type { UploadRequest, UploadResult } from './upload'

const IDS = { uuid: '7e88d192-9b20-4035-9b68-d4ac3d58a34f', botId: 'b', customerId: 'c' }
const LINK = { api: 'https://api.example', token: 'tok', ids: () => IDS }
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])
const png = (name = 'shot.png') => new File([PNG], name, { type: 'image/png' })
const answer = (name: string, size = PNG.byteLength) => ({
  status: 201,
  attachment: {
    id: 'f1',
    url: 'https://api.example/inbox/direct/attachments/f1',
    name,
    size,
    type: 'image/png',
  },
})

/** A fake upload: each call is recorded and answered by `finish`. */
function fakeSend() {
  const calls: { r: UploadRequest; finish(res: UploadResult): void; aborted: boolean }[] = []
  const send = vi.fn((r: UploadRequest) => {
    let finish!: (res: UploadResult) => void
    const done = new Promise<UploadResult>((go) => {
      finish = go
    })
    const call = { r, finish, aborted: false }
    calls.push(call)
    return {
      done,
      abort: () => {
        call.aborted = true
        finish({ status: 0 })
      },
    }
  })
  return { send, calls }
}

/** Fake timers of the retries: each wait is recorded and run by `fire`. */
function fakeLater() {
  const waits: { ms: number; fn: () => void; cancelled: boolean }[] = []
  const later = (fn: () => void, ms: number) => {
    const w = { ms, fn, cancelled: false }
    waits.push(w)
    return () => {
      w.cancelled = true
    }
  }
  return { later, waits }
}

let state: State
let save: Mock<() => Promise<void>>
let errors: MockInstance<typeof console.error>
beforeEach(() => {
  state = createState()
  state.live.value = { phase: 'talking', agent: { name: 'Sam' } }
  save = vi.fn(() => Promise.resolve())
  errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
})
afterEach(() => {
  cleanup()
  errors.mockRestore()
})

/** Lets the file checks (their `arrayBuffer()` reads) and the upload answers run. */
const settle = () => act(() => new Promise((go) => setTimeout(go, 0)))

const setup = (random = () => 0.5, kv?: Kv) => {
  const { send, calls } = fakeSend()
  const { later, waits } = fakeLater()
  const attach = createAttach(
    state,
    { save },
    { ...LINK, kv },
    { send, later, random, now: () => 42 },
  )
  render(<attach.Tray locale="en" />)
  return { attach, send, calls, waits }
}

describe('an accepted file', () => {
  it('uploads with the conversation’s ids, shows its progress, then becomes the visitor’s message', async () => {
    const { attach, calls } = setup()
    attach.add([png()])
    await settle()
    expect(calls).toHaveLength(1)
    expect(calls[0]?.r).toMatchObject({ api: LINK.api, token: 'tok', ids: IDS, name: 'shot.png' })
    expect(screen.getByRole('list', { name: 'Files to send' })).toBeTruthy()
    const bar = screen.getByRole('progressbar', { name: 'Sending shot.png' }) as HTMLProgressElement
    expect(bar.value).toBe(0)
    act(() => calls[0]?.r.onProgress?.(30, 120))
    expect(bar.value).toBe(0.25)

    calls[0]?.finish(answer('shot.png'))
    await settle()
    expect(state.messages.value).toEqual([
      {
        id: 1,
        from: 'visitor',
        text: 'shot.png',
        at: 42,
        attachment: answer('shot.png').attachment,
      },
    ])
    expect(save).toHaveBeenCalledTimes(1)
    expect(screen.queryByRole('list')).toBeNull()
    expect(errors).not.toHaveBeenCalled()
  })

  it('follows the transcript’s last id, and several files go one message each, in the order they finish', async () => {
    state.messages.value = [{ id: 7, from: 'bot', text: 'Hi', at: 1 }]
    const { attach, calls } = setup()
    attach.add([png('a.png'), png('b.png')])
    await settle()
    expect(screen.getAllByRole('listitem')).toHaveLength(2)
    calls[1]?.finish(answer('b.png'))
    await settle()
    calls[0]?.finish(answer('a.png'))
    await settle()
    expect(state.messages.value.map((m) => [m.id, m.text])).toEqual([
      [7, 'Hi'],
      [8, 'b.png'],
      [9, 'a.png'],
    ])
  })
})

describe('a file the chat does not take', () => {
  it('of another type (by its bytes, whatever its name) is refused inline, not uploaded, with one E_ATTACHMENT line', async () => {
    const { attach, send } = setup()
    attach.add([new File(['<svg onload=alert(1)>'], 'cat.png', { type: 'image/png' })])
    await settle()
    expect(send).not.toHaveBeenCalled()
    const item = screen.getByRole('listitem')
    expect(item.textContent).toContain(
      'Only images (PNG, JPEG, GIF, WebP) and PDF files can be sent.',
    )
    expect(errors).toHaveBeenCalledTimes(1)
    expect(String(errors.mock.calls[0]?.[0])).toMatch(
      /^\[Reekolect\] E_ATTACHMENT: cat\.png was not sent: its content is not PNG, JPEG, GIF, WebP or PDF \(declared image\/png\) — /,
    )
    expect(state.messages.value).toEqual([])
  })

  it('over 10 MB is refused before anything is read or sent; exactly 10 MB is sent', async () => {
    const { attach, send } = setup()
    const big = new Uint8Array(MAX_ATTACHMENT + 1)
    big.set(PNG)
    attach.add([new File([big], 'big.png'), new File([big.subarray(0, MAX_ATTACHMENT)], 'ok.png')])
    await settle()
    expect(send).toHaveBeenCalledTimes(1)
    expect(send.mock.calls[0]?.[0].name).toBe('ok.png')
    const refused = screen.getAllByRole('listitem')[0] as HTMLElement
    expect(refused.textContent).toContain('This file is larger than 10 MB.')
    expect(refused.textContent).toContain('10 MB')
  })

  it('refused by the server (413, 415, another 4xx) says why, is not retried, and tells the site owner', async () => {
    const { attach, calls, waits } = setup()
    attach.add([png('a.png'), png('b.png'), png('c.png')])
    await settle()
    calls[0]?.finish({ status: 413, message: 'file: at most 10485760 bytes (10 MB)' })
    calls[1]?.finish({ status: 415 })
    calls[2]?.finish({ status: 401 })
    await settle()
    const items = screen.getAllByRole('listitem').map((li) => li.textContent)
    expect(items[0]).toContain('This file is larger than 10 MB.')
    expect(items[1]).toContain('Only images (PNG, JPEG, GIF, WebP) and PDF files can be sent.')
    expect(items[2]).toContain('This file could not be sent.')
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull()
    expect(waits).toEqual([])
    const lines = errors.mock.calls.map((c) => String(c[0]))
    expect(lines[0]).toMatch(
      /E_ATTACHMENT: a\.png was not sent: the platform answered 413 \(file: at most/,
    )
    expect(lines[2]).toMatch(/c\.png was not sent: the platform answered 401 — check data-token$/)
  })
})

describe('a failing upload', () => {
  it('is tried again by itself with doubling backoff, then waits for Retry, which sends it', async () => {
    const { attach, calls, waits } = setup(() => 1)
    attach.add([png()])
    await settle()
    calls[0]?.finish({ status: 503 })
    await settle()
    expect(screen.getByRole('listitem').textContent).toContain('Couldn’t send it. Trying again…')
    expect(document.querySelector('[aria-live="polite"]')?.textContent).toBe(
      'shot.png: Couldn’t send it. Trying again…',
    )
    expect(waits.map((w) => w.ms)).toEqual([RETRY_BASE])
    act(() => waits[0]?.fn())
    calls[1]?.finish({ status: 0 })
    await settle()
    expect(waits.map((w) => w.ms)).toEqual([RETRY_BASE, 2 * RETRY_BASE])
    act(() => waits[1]?.fn())
    calls[2]?.finish({ status: 500 })
    await settle()
    expect(calls).toHaveLength(ATTEMPTS)
    expect(screen.getByRole('listitem').textContent).toContain('Not sent.')
    expect(errors).toHaveBeenCalledTimes(1)
    expect(String(errors.mock.calls[0]?.[0])).toMatch(
      /E_ATTACHMENT: shot\.png could not be uploaded after 3 attempts \(HTTP 500\); it waits for Retry/,
    )
    expect(state.messages.value).toEqual([])

    fireEvent.click(screen.getByRole('button', { name: 'Retry' }))
    expect(calls).toHaveLength(ATTEMPTS + 1)
    calls[3]?.finish(answer('shot.png'))
    await settle()
    expect(state.messages.value.map((m) => m.text)).toEqual(['shot.png'])
  })

  it('waits half to all of the backoff (jitter)', async () => {
    const { attach, calls, waits } = setup(() => 0)
    attach.add([png()])
    await settle()
    calls[0]?.finish({ status: 429 })
    await settle()
    expect(waits[0]?.ms).toBe(RETRY_BASE / 2)
  })

  it('is tried again when the browser comes back online', async () => {
    const { attach, calls, waits } = setup()
    attach.add([png()])
    await settle()
    for (let n = 0; n < ATTEMPTS; n++) {
      calls[n]?.finish({ status: 0 })
      await settle()
      if (n < ATTEMPTS - 1) act(() => waits[n]?.fn())
    }
    expect(screen.getByRole('button', { name: 'Retry' })).toBeTruthy()
    act(() => {
      window.dispatchEvent(new Event('online'))
    })
    expect(calls).toHaveLength(ATTEMPTS + 1)
    attach.dispose()
    act(() => {
      window.dispatchEvent(new Event('online'))
    })
    expect(calls).toHaveLength(ATTEMPTS + 1)
  })
})

describe('removing a file', () => {
  it('stops its upload (a late answer adds nothing) or its wait, and empties the tray', async () => {
    const { attach, calls, waits } = setup()
    attach.add([png('a.png'), png('b.png')])
    await settle()
    calls[1]?.finish({ status: 503 })
    await settle()
    fireEvent.click(screen.getByRole('button', { name: 'Remove a.png' }))
    fireEvent.click(screen.getByRole('button', { name: 'Remove b.png' }))
    await settle()
    expect(calls[0]?.aborted).toBe(true)
    expect(waits[0]?.cancelled).toBe(true)
    expect(screen.queryByRole('list')).toBeNull()
    expect(state.messages.value).toEqual([])
  })
})

describe('files waiting to be sent', () => {
  it('are kept for the next page while they wait (not the refused ones), and forgotten once sent or removed', async () => {
    const kv = memoryKv()
    const { attach, calls } = setup(undefined, kv)
    attach.add([png('a.png'), png('b.png'), new File(['text'], 'c.txt')])
    await settle()
    const kept = await kv.get<{ at: number; files: { name: string; type: string; file: Blob }[] }>(
      filesKey(IDS.uuid),
    )
    expect(kept?.at).toBe(42)
    expect(kept?.files.map((f) => [f.name, f.type])).toEqual([
      ['a.png', 'image/png'],
      ['b.png', 'image/png'],
    ])
    const first = (kept as { files: { file: Blob }[] }).files[0] as { file: Blob }
    expect(new Uint8Array(await first.file.arrayBuffer())).toEqual(PNG)
    calls[0]?.finish(answer('a.png'))
    await settle()
    expect((await kv.get<{ files: unknown[] }>(filesKey(IDS.uuid)))?.files).toHaveLength(1)
    fireEvent.click(screen.getByRole('button', { name: 'Remove b.png' }))
    await settle()
    expect(await kv.get(filesKey(IDS.uuid))).toBeUndefined()
  })

  it('kept by an earlier page show again as failed, with Retry that sends them; other shapes are ignored', async () => {
    const { attach, calls } = setup()
    attach.restore({
      at: 1,
      files: [
        { name: 'a.png', type: 'image/png', file: new Blob([PNG]) },
        { name: 'x.html', type: 'text/html', file: new Blob(['<p>']) },
        { name: 'y.png', type: 'image/png', file: 'not a blob' },
      ],
    })
    attach.restore('garbage')
    await settle()
    expect(screen.getAllByRole('listitem')).toHaveLength(1)
    expect(screen.getByRole('listitem').textContent).toContain('Not sent.')
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }))
    expect(calls[0]?.r.name).toBe('a.png')
    expect(new Uint8Array(await (calls[0] as { r: { file: Blob } }).r.file.arrayBuffer())).toEqual(
      PNG,
    )
  })

  it('go on a reset (a new visitor): uploads stop, the tray empties, nothing stays kept', async () => {
    const kv = memoryKv()
    const { attach, calls } = setup(undefined, kv)
    attach.add([png()])
    await settle()
    expect(await kv.get(filesKey(IDS.uuid))).toBeDefined()
    act(() => {
      state.live.value = undefined
    })
    await settle()
    expect(calls[0]?.aborted).toBe(true)
    expect(screen.queryByRole('list')).toBeNull()
    expect(await kv.get(filesKey(IDS.uuid))).toBeUndefined()
  })
})
