// @ts-check
/** DOM helpers of the playground: createElement and textContent only, never HTML strings. */

/** @param {string} id */
export const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id))

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag @param {string} [text] @param {string} [cls]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, text, cls) {
  const e = document.createElement(tag)
  if (text !== undefined) e.textContent = text
  if (cls) e.className = cls
  return e
}

/** A `<button type="button">`. @param {string} text @param {string} [cls] */
export function button(text, cls = 'btn') {
  const b = el('button', text, cls)
  b.type = 'button'
  return b
}

/** `12:03:04.123`, the local time of a log line. @param {Date} d */
export const clock = (d) =>
  `${d.toLocaleTimeString(undefined, { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`
