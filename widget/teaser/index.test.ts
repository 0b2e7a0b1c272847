// @vitest-environment happy-dom
/**
 * The teaser as a visitor meets it: a card after the launcher with the message,
 * a dismiss button, one polite announcement; it opens the chat or goes away for
 * the tab (widget/teaser/index.ts).
 */
import { fireEvent, within } from '@testing-library/preact'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ANNOUNCE_DELAY, DISMISSED_KEY, showTeaser, teaserStrings } from '.'

/** A shadow root with the loader's launcher in it, and a spy for the loader's own click listener. */
function launcherHost(expanded = false) {
  const host = document.createElement('div')
  document.body.append(host)
  const root = host.attachShadow({ mode: 'open' })
  const launcher = document.createElement('button')
  launcher.className = 'launcher'
  launcher.setAttribute('aria-label', 'Open chat')
  launcher.setAttribute('aria-expanded', String(expanded))
  const loaderClick = vi.fn()
  launcher.addEventListener('click', loaderClick)
  root.append(launcher)
  const open = vi.fn()
  const ui = within(root as unknown as HTMLElement)
  /** The texts of every live region in the root. */
  const announced = () =>
    [...root.querySelectorAll('[aria-live]')].map((e) => e.textContent).filter(Boolean)
  return { root, launcher, loaderClick, open, ui, announced }
}

beforeEach(() => {
  vi.useFakeTimers()
  sessionStorage.clear()
})
afterEach(() => {
  vi.useRealTimers()
  document.body.replaceChildren()
})

describe('showTeaser', () => {
  it('shows the message right after the launcher, as text, with a dismiss button', () => {
    const h = launcherHost()
    const hide = showTeaser(h.root, { text: '<b>Hi!</b> Need help?', locale: 'en', open: h.open })
    expect(hide).toBeTypeOf('function')
    const message = h.ui.getByRole('button', { name: '<b>Hi!</b> Need help?' })
    // Next in the DOM, so next in the Tab order.
    expect(h.launcher.nextElementSibling?.contains(message)).toBe(true)
    expect(h.root.querySelector('b')).toBeNull()
    expect(h.ui.getByRole('button', { name: 'Dismiss message' })).toBeTruthy()
    expect(h.root.adoptedStyleSheets).toHaveLength(1)
    // It does not take focus.
    expect(h.root.activeElement).toBeNull()
  })

  it('announces "New message: …" once, in one polite live region, shortly after it shows', () => {
    const h = launcherHost()
    showTeaser(h.root, { text: 'Hi!', locale: 'en', open: h.open })
    const live = h.root.querySelector('[aria-live]')
    expect(live?.getAttribute('aria-live')).toBe('polite')
    expect(h.announced()).toEqual([])
    vi.advanceTimersByTime(ANNOUNCE_DELAY)
    expect(h.announced()).toEqual(['New message: Hi!'])
    // The same message shown again (another trigger, showMessage) is not announced again.
    showTeaser(h.root, { text: 'Hi!', locale: 'en', open: h.open })
    vi.advanceTimersByTime(ANNOUNCE_DELAY * 10)
    expect(h.announced()).toEqual([])
    expect(h.ui.getAllByRole('button', { name: 'Hi!' })).toHaveLength(1)
    // Another message replaces it and is announced.
    showTeaser(h.root, { text: 'Still there?', locale: 'en', open: h.open })
    vi.advanceTimersByTime(ANNOUNCE_DELAY)
    expect(h.announced()).toEqual(['New message: Still there?'])
    expect(h.ui.queryByRole('button', { name: 'Hi!' })).toBeNull()
  })

  it('opens the chat when the message is clicked, and goes away', () => {
    const h = launcherHost()
    showTeaser(h.root, { text: 'Hi!', locale: 'en', open: h.open })
    fireEvent.click(h.ui.getByRole('button', { name: 'Hi!' }))
    expect(h.open).toHaveBeenCalledTimes(1)
    expect(h.root.querySelector('.teaser')).toBeNull()
    expect(h.root.adoptedStyleSheets).toHaveLength(0)
    expect(sessionStorage.getItem(DISMISSED_KEY)).toBeNull()
  })

  it('makes a click on the launcher open the chat from the teaser instead of the loader', () => {
    const h = launcherHost()
    showTeaser(h.root, { text: 'Hi!', locale: 'en', open: h.open })
    fireEvent.click(h.launcher)
    expect(h.open).toHaveBeenCalledTimes(1)
    expect(h.loaderClick).not.toHaveBeenCalled()
    // Gone with the teaser: the next click is the loader's again.
    fireEvent.click(h.launcher)
    expect(h.open).toHaveBeenCalledTimes(1)
    expect(h.loaderClick).toHaveBeenCalledTimes(1)
  })

  it('is dismissed for the tab by its button, and focus goes back to the launcher', () => {
    const h = launcherHost()
    showTeaser(h.root, { text: 'Hi!', locale: 'en', open: h.open })
    const close = h.ui.getByRole('button', { name: 'Dismiss message' })
    close.focus()
    fireEvent.click(close)
    expect(h.root.querySelector('.teaser')).toBeNull()
    expect(h.root.activeElement).toBe(h.launcher)
    expect(h.open).not.toHaveBeenCalled()
    expect(sessionStorage.getItem(DISMISSED_KEY)).toBe('1')
    // The next page of the tab (same sessionStorage): nothing shows.
    const next = launcherHost()
    expect(showTeaser(next.root, { text: 'Hi!', locale: 'en', open: next.open })).toBeUndefined()
    expect(next.root.querySelector('.teaser')).toBeNull()
  })

  it('is dismissed by Escape while focus is in it', () => {
    const h = launcherHost()
    showTeaser(h.root, { text: 'Hi!', locale: 'en', open: h.open })
    const message = h.ui.getByRole('button', { name: 'Hi!' })
    message.focus()
    fireEvent.keyDown(message, { key: 'Escape' })
    expect(h.root.querySelector('.teaser')).toBeNull()
    expect(h.root.activeElement).toBe(h.launcher)
    expect(sessionStorage.getItem(DISMISSED_KEY)).toBe('1')
    fireEvent.keyDown(h.launcher, { key: 'Enter' })
    expect(h.open).not.toHaveBeenCalled()
  })

  it('shows nothing while the chat is open, or without a launcher (the landing page)', () => {
    const open = launcherHost(true)
    expect(showTeaser(open.root, { text: 'Hi!', locale: 'en', open: open.open })).toBeUndefined()
    expect(open.root.querySelector('.teaser')).toBeNull()
    const host = document.createElement('div')
    const page = host.attachShadow({ mode: 'open' })
    expect(showTeaser(page, { text: 'Hi!', locale: 'en', open: vi.fn() })).toBeUndefined()
    expect(page.childNodes).toHaveLength(0)
  })

  it('hides when the chat opens some other way', async () => {
    vi.useRealTimers()
    const h = launcherHost()
    showTeaser(h.root, { text: 'Hi!', locale: 'en', open: h.open })
    h.launcher.setAttribute('aria-expanded', 'true')
    await vi.waitFor(() => expect(h.root.querySelector('.teaser')).toBeNull())
    expect(h.open).not.toHaveBeenCalled()
    expect(sessionStorage.getItem(DISMISSED_KEY)).toBeNull()
  })

  it('hide removes the card, its sheet and its pending announcement; twice is harmless', () => {
    const h = launcherHost()
    const hide = showTeaser(h.root, { text: 'Hi!', locale: 'en', open: h.open })
    hide?.()
    hide?.()
    vi.advanceTimersByTime(ANNOUNCE_DELAY * 10)
    expect(h.root.querySelector('.teaser')).toBeNull()
    expect(h.root.adoptedStyleSheets).toHaveLength(0)
    expect(h.announced()).toEqual([])
    fireEvent.click(h.launcher)
    expect(h.open).not.toHaveBeenCalled()
    expect(h.loaderClick).toHaveBeenCalledTimes(1)
  })

  it('a replaced teaser stops acting: the launcher opens from the new one', () => {
    const h = launcherHost()
    const first = vi.fn()
    const hideFirst = showTeaser(h.root, { text: 'One', locale: 'en', open: first })
    showTeaser(h.root, { text: 'Two', locale: 'en', open: h.open })
    hideFirst?.()
    expect(h.ui.getByRole('button', { name: 'Two' })).toBeTruthy()
    expect(h.root.adoptedStyleSheets).toHaveLength(1)
    fireEvent.click(h.launcher)
    expect(first).not.toHaveBeenCalled()
    expect(h.open).toHaveBeenCalledTimes(1)
  })

  it('speaks the visitor’s language and gives the card its lang', () => {
    const h = launcherHost()
    showTeaser(h.root, { text: 'Bonjour', locale: 'fr-CA', open: h.open })
    expect(h.ui.getByRole('button', { name: 'Masquer le message' })).toBeTruthy()
    expect(h.root.querySelector('.teaser')?.getAttribute('lang')).toBe('fr-CA')
    vi.advanceTimersByTime(ANNOUNCE_DELAY)
    expect(h.announced()).toEqual(['Nouveau message: Bonjour'])
  })
})

describe('teaserStrings', () => {
  it('falls back to English for a language without strings', () => {
    expect(teaserStrings('ja-JP')).toEqual(teaserStrings('en'))
    expect(teaserStrings('PT_br')[0]).toBe('Dispensar mensagem')
  })
})
