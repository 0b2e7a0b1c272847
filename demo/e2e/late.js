// @ts-check
/**
 * Adds the widget's embed tag late, with DOM APIs only (like host.js, from
 * ?bot=&customer=&token=): after the page's `load` event, long after
 * DOMContentLoaded, as a tag manager would. With `?manual=1` it waits until the
 * spec calls `window.addReekolect()`, so the spec can first record the host page
 * as it is without the widget. `window.addedAt` is the `readyState` at insertion.
 */
const w = /** @type {any} */ (window)
const query = new URLSearchParams(location.search)

w.addReekolect = () => {
  w.addedAt = document.readyState
  const tag = document.createElement('script')
  tag.id = 'Reekolect-messenger-widget'
  tag.src = '/Reekolect.js'
  tag.dataset.apiUrl = '/'
  tag.dataset.token = query.get('token') ?? 'demo-token'
  tag.textContent = `${query.get('bot') ?? ''},${query.get('customer') ?? ''}`
  document.body.append(tag)
}

if (query.get('manual') !== '1') {
  const later = () => setTimeout(w.addReekolect, 50)
  if (document.readyState === 'complete') later()
  else addEventListener('load', later, { once: true })
}
