/**
 * The one command queue of `window.Reekolect`: every host call, from the stub
 * snippet's `q` to the last click on the launcher, goes through it and runs in the
 * order it was made. The widget runs a command at once, or, when the command needs
 * a chunk that is still loading, returns a promise; the queue then holds every later
 * call back until it settles (`MountedWidget.dispatch`, loader/protocol.ts).
 */
import type { MountedWidget, QueuedCall } from './protocol'

/** What {@link createQueue} returns. */
export interface CommandQueue {
  /** Queues `call`; runs it (and whatever waits before it) when a widget is attached, else calls `load`. */
  push(call: QueuedCall): void
  /** Attaches the mounted widget: the calls queued so far run in order, later ones as they come. */
  attach(widget: MountedWidget): void
}

/**
 * @param calls the calls made before the loader ran (the stub's `q`), oldest
 *   first; the array is the queue itself, so its `length` tells the caller whether
 *   any call waits.
 * @param load called on each push while no widget is attached: it must load and
 *   mount the widget once (it may be called many times) and then
 *   {@link CommandQueue.attach} it.
 */
export function createQueue(calls: QueuedCall[], load: () => void): CommandQueue {
  let widget: MountedWidget | undefined
  /** The command whose chunk is loading, if any: later calls wait for it. */
  let waiting: Promise<void> | undefined
  const drain = () => {
    while (widget && !waiting && calls.length)
      waiting = widget.dispatch(...(calls.shift() as QueuedCall))?.then(() => {
        waiting = undefined
        drain()
      })
  }
  return {
    push(call) {
      calls.push(call)
      if (widget) drain()
      else load()
    },
    attach(w) {
      widget = w
      drain()
    },
  }
}
