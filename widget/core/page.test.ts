/**
 * When the page gives the lead outbox a chance to deliver: what the visitor's
 * pending lead rides on when the network returns, the tab is shown again, or the
 * page is hidden or left.
 */
import { describe, expect, it, vi } from 'vitest'
import { flushOnPageEvents } from './page'

/** A window stand-in: page events and the document's visibility. */
function fakeWindow() {
  const doc = Object.assign(new EventTarget(), {
    visibilityState: 'visible' as DocumentVisibilityState,
  })
  const win = Object.assign(new EventTarget(), { document: doc })
  return { win: win as unknown as Window, doc }
}

const outbox = () => ({
  flush: vi.fn(async (_keepalive?: boolean, _now?: boolean) => {}),
  online: vi.fn(async () => {}),
})

describe('flushOnPageEvents', () => {
  it('flushes now (skipping a backoff wait) when the page is shown and when the tab becomes visible', () => {
    const { win, doc } = fakeWindow()
    const o = outbox()
    flushOnPageEvents(o, win)
    win.dispatchEvent(new Event('pageshow'))
    doc.visibilityState = 'visible'
    doc.dispatchEvent(new Event('visibilitychange'))
    expect(o.flush.mock.calls).toEqual([
      [false, true],
      [false, true],
    ])
    expect(o.online).not.toHaveBeenCalled()
  })

  it('sends with keepalive when the tab is hidden and when the page is left', () => {
    const { win, doc } = fakeWindow()
    const o = outbox()
    flushOnPageEvents(o, win)
    doc.visibilityState = 'hidden'
    doc.dispatchEvent(new Event('visibilitychange'))
    win.dispatchEvent(new Event('pagehide'))
    expect(o.flush.mock.calls).toEqual([[true], [true]])
  })

  it('tells the outbox when the network returns', () => {
    const { win } = fakeWindow()
    const o = outbox()
    flushOnPageEvents(o, win)
    win.dispatchEvent(new Event('online'))
    expect(o.online).toHaveBeenCalledTimes(1)
    expect(o.flush).not.toHaveBeenCalled()
  })

  it('removes every listener it added', () => {
    const { win, doc } = fakeWindow()
    const o = outbox()
    const stop = flushOnPageEvents(o, win)
    stop()
    for (const type of ['online', 'pageshow', 'pagehide']) win.dispatchEvent(new Event(type))
    doc.dispatchEvent(new Event('visibilitychange'))
    expect(o.flush).not.toHaveBeenCalled()
    expect(o.online).not.toHaveBeenCalled()
  })
})
