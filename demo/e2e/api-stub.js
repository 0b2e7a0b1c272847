// @ts-check
/**
 * The stub snippet of docs/javascript-api.md, then calls made before the loader has run:
 * they must take effect, in order, once the widget is ready. Events are recorded
 * in `window.seen` for the spec to read. `?pre=0` skips the early calls.
 */
const w = /** @type {any} */ (window)
// The stub of docs/javascript-api.md, verbatim:
window.Reekolect ||= Object.assign((...args) => window.Reekolect.q.push(args), { q: [] })

w.seen = []
const record = (/** @type {string} */ name) => (/** @type {unknown} */ payload) =>
  w.seen.push([name, payload])
if (new URLSearchParams(location.search).get('pre') !== '0') {
  const R = w.Reekolect
  for (const e of ['ready', 'open', 'close', 'message', 'lead:synced', 'flow:end', 'unread'])
    R('on', e, record(e))
  R('identify', { name: 'Early Bird', email: 'Early@Example.com', tags: ['early'] })
  R('addTags', ['second'])
  R('removeTags', ['early'])
  R('setAttributes', { plan: 'pro' })
}
