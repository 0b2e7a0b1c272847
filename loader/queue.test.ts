/**
 * The loader's one command queue: every `window.Reekolect` call runs in the order
 * it was made, before and after the widget mounts, also while a command waits for
 * a chunk.
 */
import { describe, expect, it, vi } from 'vitest'
import type { MountedWidget, QueuedCall } from './protocol'
import { createQueue } from './queue'

/**
 * A widget stand-in that records the commands it runs; `lazy` commands return a
 * promise that settles when the test calls `settle()` (their chunk "loads").
 */
function fakeWidget(lazy: string[] = []) {
  const ran: string[] = []
  const settles: (() => void)[] = []
  const widget: MountedWidget = {
    dispatch(command) {
      if (!lazy.includes(command)) {
        ran.push(command)
        return undefined
      }
      return new Promise<void>((resolve) =>
        settles.push(() => {
          ran.push(command)
          resolve()
        }),
      )
    },
    unmount: () => {},
  }
  const settle = async () => {
    settles.shift()?.()
    // Let the queue's `then` run.
    await Promise.resolve()
    await Promise.resolve()
  }
  return { widget, ran, settle }
}

const names = (calls: QueuedCall[]) => calls.map((c) => c[0])

describe('createQueue', () => {
  it('keeps calls until a widget is attached, asking for it on each, then runs them in order', () => {
    const load = vi.fn()
    const calls: QueuedCall[] = [['identify', { name: 'Ada' }]]
    const queue = createQueue(calls, load)
    queue.push(['open'])
    queue.push(['close'])
    expect(load).toHaveBeenCalledTimes(2)
    expect(names(calls)).toEqual(['identify', 'open', 'close'])

    const { widget, ran } = fakeWidget()
    queue.attach(widget)
    expect(ran).toEqual(['identify', 'open', 'close'])
    expect(calls).toEqual([])
    queue.push(['toggle'])
    expect(ran).toEqual(['identify', 'open', 'close', 'toggle'])
    expect(load).toHaveBeenCalledTimes(2)
  })

  it('holds every later call behind a command that waits for its chunk', async () => {
    const { widget, ran, settle } = fakeWidget(['on'])
    const queue = createQueue([], () => {})
    queue.attach(widget)
    queue.push(['open'])
    queue.push(['on', 'close', () => {}])
    queue.push(['close'])
    queue.push(['toggle'])
    // `close` would run at once on its own: it waits, so the listener sees it.
    expect(ran).toEqual(['open'])
    await settle()
    expect(ran).toEqual(['open', 'on', 'close', 'toggle'])
    queue.push(['open'])
    expect(ran.at(-1)).toBe('open')
  })

  it('waits for each waiting command in turn', async () => {
    const { widget, ran, settle } = fakeWidget(['identify', 'addTags'])
    const queue = createQueue([['identify'], ['open'], ['addTags'], ['close']], () => {})
    queue.attach(widget)
    expect(ran).toEqual([])
    await settle()
    expect(ran).toEqual(['identify', 'open'])
    await settle()
    expect(ran).toEqual(['identify', 'open', 'addTags', 'close'])
  })

  it('runs a call made from inside a command at once, like the function call it is', () => {
    const ran: string[] = []
    const queue = createQueue([], () => {})
    queue.attach({
      dispatch(command) {
        ran.push(`${command}:start`)
        // A host listener calling Reekolect while a command runs (e.g. on `open`).
        if (command === 'open') queue.push(['identify'])
        ran.push(`${command}:end`)
        return undefined
      },
      unmount: () => {},
    })
    queue.push(['open'])
    expect(ran).toEqual(['open:start', 'identify:start', 'identify:end', 'open:end'])
  })
})
