/** DOM helpers of the playground: createElement and textContent only, never HTML strings. */

/**
 * The element `#id` of the page, checked to be a `type` (default `HTMLElement`).
 * @throws Error when the page has no such element, or it is of another type: the
 *   playground's HTML and scripts disagree.
 */
export function $(id: string): HTMLElement
export function $<T extends HTMLElement>(id: string, type: new () => T): T
export function $(id: string, type: new () => HTMLElement = HTMLElement): HTMLElement {
  const e = document.getElementById(id)
  if (!(e instanceof type)) throw new Error(`the playground page has no ${type.name} #${id}`)
  return e
}

/** A new `<tag>` with an optional text and class name. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string,
  cls?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag)
  if (text !== undefined) e.textContent = text
  if (cls) e.className = cls
  return e
}

/** A `<button type="button">`. */
export function button(text: string, cls = 'btn'): HTMLButtonElement {
  const b = el('button', text, cls)
  b.type = 'button'
  return b
}

/** `12:03:04.123`, the local time of a log line. */
export const clock = (d: Date): string =>
  `${d.toLocaleTimeString(undefined, { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`
