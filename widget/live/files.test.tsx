// @vitest-environment happy-dom
/**
 * Files in the live chat, as the live chunk shows them (widget/live/ui.tsx): the
 * attach button of the live composer, files dropped or pasted, the attach chunk
 * loaded on first use (widget/attach/), and a file a message sends, in the
 * transcript and from the inbox (connection.ts `messageOf`, index.ts `receive`).
 */
import '@preact/signals'
import { signal } from '@preact/signals-core'
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { filesKey } from '../attach/types'
import { createActions } from '../core/actions'
import { builtinFlow, graph } from '../core/flow'
import { translator } from '../core/i18n'
import { type Attachment, createState } from '../core/state'
import { memoryKv } from '../core/storage'
import { bindBubbles } from '../ui/bubbles'
import { createLive } from '.'
import { messageOf } from './connection'
import { FileCard, fileSize, LiveComposer } from './ui'

const t = translator()
const IDS = { uuid: '7e88d192-9b20-4035-9b68-d4ac3d58a34f', botId: 'b', customerId: 'c' }
const PNG: Attachment = {
  id: 'f1',
  url: 'https://api.example/inbox/direct/attachments/f1',
  name: 'shot.png',
  size: 48_213,
  type: 'image/png',
}

afterEach(() => {
  cleanup()
  vi.restoreAllMocks()
})

function chat(link = true, kv = memoryKv()) {
  const state = createState()
  const actions = createActions(state, {
    graph: graph([builtinFlow(t)]),
    kv: memoryKv(),
    ids: () => IDS,
    sync: async () => {},
    phone: async () => undefined,
    t: (k) => t(k),
  })
  state.live.value = { phase: 'waiting' }
  // The live stream and the availability check wait forever: no network in these tests.
  vi.spyOn(globalThis, 'fetch').mockImplementation(() => new Promise(() => {}))
  const live = createLive(
    state,
    actions,
    link ? { api: 'https://api.example/', token: 'tok', ids: () => IDS, kv } : undefined,
  )
  return { state, actions, live }
}

describe('fileSize', () => {
  it('reads as the visitor’s locale writes kB and MB (decimal, as download lists)', () => {
    expect(fileSize(48_213, 'en')).toBe('48 kB')
    expect(fileSize(120, 'en')).toBe('1 kB')
    expect(fileSize(10_485_761, 'en')).toBe('10.5 MB')
    expect(fileSize(2_500_000, 'de')).toBe('2,5 MB')
  })
})

describe('FileCard', () => {
  it('is a link that opens the file in a new tab, showing the image, its type and size', () => {
    render(<FileCard a={PNG} locale="en" />)
    const link = screen.getByRole('link', {
      name: 'Open the file, PNG · 48 kB (opens in a new tab)',
    })
    expect(link.getAttribute('href')).toBe(PNG.url)
    expect(link.getAttribute('target')).toBe('_blank')
    expect(link.getAttribute('rel')).toBe('noopener noreferrer')
    const img = link.querySelector('img')
    expect(img?.getAttribute('src')).toBe(PNG.url)
    expect(img?.getAttribute('alt')).toBe('')
  })

  it('shows the document icon for a PDF, and for an image that cannot load (a site’s img-src)', () => {
    render(<FileCard a={{ ...PNG, type: 'application/pdf', name: 'a.pdf' }} locale="en" />)
    expect(screen.getByRole('link', { name: /PDF · 48 kB/ }).querySelector('img')).toBeNull()
    cleanup()
    render(<FileCard a={PNG} locale="en" />)
    const img = screen.getByRole('link').querySelector('img') as HTMLImageElement
    fireEvent.error(img)
    expect(screen.getByRole('link').querySelector('img')).toBeNull()
    expect(screen.getByRole('link').querySelector('svg.doc')).toBeTruthy()
  })
})

describe('the attach button', () => {
  it('is there only when the chat can upload; it loads the chunk and opens the file picker', () => {
    const onFiles = vi.fn()
    const { state, actions } = chat()
    render(<LiveComposer state={state} actions={actions} locale="en" onFiles={onFiles} />)
    const input = document.querySelector('input[type=file]') as HTMLInputElement
    expect(input.accept).toBe('image/png,image/jpeg,image/gif,image/webp,application/pdf')
    expect(input.multiple).toBe(true)
    const click = vi.spyOn(input, 'click')
    fireEvent.click(screen.getByRole('button', { name: 'Attach a file' }))
    expect(onFiles).toHaveBeenCalledWith([])
    expect(click).toHaveBeenCalledTimes(1)
    cleanup()
    render(<LiveComposer state={state} actions={actions} locale="en" />)
    expect(screen.queryByRole('button', { name: 'Attach a file' })).toBeNull()
    expect(document.querySelector('input[type=file]')).toBeNull()
  })

  it('takes files chosen, dropped on the chat window or pasted into the text box; pasted text stays text', () => {
    const onFiles = vi.fn()
    const { state, actions } = chat()
    render(<LiveComposer state={state} actions={actions} locale="en" onFiles={onFiles} />)
    const file = new File(['x'], 'a.png')
    const list = {
      0: file,
      length: 1,
      item: () => file,
      [Symbol.iterator]: [file][Symbol.iterator].bind([file]),
    }
    const input = document.querySelector('input[type=file]') as HTMLInputElement
    Object.defineProperty(input, 'files', { value: list, configurable: true })
    fireEvent.change(input)
    // Anywhere in the chat window (its root), not only on the composer.
    const elsewhere = document.body.appendChild(document.createElement('p'))
    const over = new Event('dragover', { bubbles: true, cancelable: true })
    Object.assign(over, { dataTransfer: { types: ['Files'] } })
    elsewhere.dispatchEvent(over)
    expect(over.defaultPrevented).toBe(true)
    const drop = new Event('drop', { bubbles: true, cancelable: true })
    Object.assign(drop, { dataTransfer: { files: list } })
    elsewhere.dispatchEvent(drop)
    expect(drop.defaultPrevented).toBe(true)
    const box = screen.getByRole('textbox', { name: 'Your message' })
    fireEvent.paste(box, { clipboardData: { files: list } })
    fireEvent.paste(box, { clipboardData: { files: { length: 0 } } })
    expect(onFiles.mock.calls).toEqual([[[file]], [[file]], [[file]]])
  })
})

describe('the live chat', () => {
  it('loads the attach chunk at the first file and shows its tray above the text box', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const { state, actions, live } = chat()
    render(<live.ui.Composer state={state} actions={actions} locale="en" />)
    expect(screen.queryByRole('list', { name: 'Files to send' })).toBeNull()
    const input = document.querySelector('input[type=file]') as HTMLInputElement
    const file = new File(['not an image'], 'notes.txt', { type: 'text/plain' })
    Object.defineProperty(input, 'files', { value: [file], configurable: true })
    fireEvent.change(input)
    await waitFor(() =>
      expect(screen.getByRole('list', { name: 'Files to send' }).textContent).toContain(
        'Only images (PNG, JPEG, GIF, WebP) and PDF files can be sent.',
      ),
    )
    act(() => live.dispose())
    expect(screen.queryByRole('list', { name: 'Files to send' })).toBeNull()
  })

  it('shows the files an earlier page could not send yet, with Retry', async () => {
    const kv = memoryKv()
    await kv.set(filesKey(IDS.uuid), {
      at: 1,
      files: [{ name: 'shot.png', type: 'image/png', file: new Blob(['x']) }],
    })
    const { state, actions, live } = chat(true, kv)
    render(<live.ui.Composer state={state} actions={actions} locale="en" />)
    const item = await screen.findByRole('listitem')
    expect(item.textContent).toContain('shot.png')
    expect(screen.getByRole('button', { name: 'Retry' })).toBeTruthy()
    live.dispose()
  })

  it('offers no attach button without an API to upload to', () => {
    const { state, actions, live } = chat(false)
    render(<live.ui.Composer state={state} actions={actions} locale="en" />)
    expect(screen.queryByRole('button', { name: 'Attach a file' })).toBeNull()
  })

  it('shows a file the inbox sends (another tab’s) in the visitor’s bubble; an attachment with a non-http URL is dropped', () => {
    const { state, live } = chat(false)
    const wire = {
      id: '0b6a3c4e-8c1e-4f7a-9a49-6d0c1b1f9e11',
      by: 'visitor',
      text: 'shot.png',
      at: '2026-12-03T10:00:00.000Z',
      attachment: { ...PNG, extra: 1 },
    }
    expect(messageOf(wire)?.attachment).toEqual(PNG)
    expect(
      messageOf({ ...wire, attachment: { ...PNG, url: 'javascript:alert(1)' } }),
    ).not.toHaveProperty('attachment')
    expect(live.receive(messageOf(wire) as never)).toBe(true)
    expect(state.messages.value.at(-1)).toMatchObject({ text: 'shot.png', attachment: PNG })
    // The bubble's end (widget/ui/bubbles.tsx), with the live chunk's FileCard in its slot.
    const bubbles = bindBubbles(state, signal(false), false)
    bubbles.file.value = FileCard
    render(<bubbles.Meta m={state.messages.value.at(-1) as never} locale="en" />)
    expect(screen.getByRole('link', { name: /Open the file, PNG · 48 kB/ })).toBeTruthy()
  })
})
