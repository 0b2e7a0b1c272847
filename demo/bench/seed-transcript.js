/**
 * Seeds a long saved conversation for the typing benchmark (bench/run.ts), before
 * the visitor opens the chat. It writes what the widget itself persists (see
 * SavedChat in widget/core/actions.ts): IndexedDB database `reekolect`, store
 * `kv`, key `chat:<uuid>`, where the UUID is the tab's `reekolect:uuid` in
 * sessionStorage (created here if the loader has not made one yet; the loader
 * reads it lazily, at mount). bench/scenarios.ts runs it as an init script on
 * with.html?n=N: `?n=` sets the number of messages, and pages without it are left
 * alone. When done, `<html data-seeded="<n>">` is set (or `data-seeded="error"`).
 */
;(() => {
  const param = new URLSearchParams(location.search).get('n')
  if (!param) return
  const n = Math.max(1, Number(param) || 1000)
  // As an init script this runs before <html> exists: mark it once the write is done.
  const mark = (v) => {
    document.documentElement.dataset.seeded = v
  }
  const UUID_KEY = 'reekolect:uuid'
  let uuid = sessionStorage.getItem(UUID_KEY)
  if (!uuid) {
    uuid = crypto.randomUUID?.() ?? `bench-${Date.now()}-${Math.random().toString(16).slice(2)}`
    sessionStorage.setItem(UUID_KEY, uuid)
  }
  const lines = [
    'Hi, is the workshop open on Saturday?',
    'Yes, from 8:30 to 18:00. Would you like to book a repair?',
    'My rear brake squeaks and the chain skips on the two smallest sprockets.',
    'That sounds like worn brake pads and a stretched chain; a basic service covers both.',
    'ok',
    'How long does a full service take, and can I wait in the shop or should I come back later in the afternoon?',
  ]
  const start = Date.now() - n * 60_000
  const messages = Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    from: i % 2 === 0 ? 'bot' : 'visitor',
    text: `${lines[i % lines.length]} (#${i + 1})`,
    at: start + i * 60_000,
  }))
  const saved = {
    v: 1,
    messages,
    ask: 'name',
    lead: { tags: [], attributes: [], notes: [] },
    open: true,
  }
  const fail = () => {
    mark('error')
  }
  const req = indexedDB.open('reekolect')
  req.onupgradeneeded = () => {
    if (!req.result.objectStoreNames.contains('kv')) req.result.createObjectStore('kv')
  }
  req.onerror = fail
  req.onsuccess = () => {
    const db = req.result
    const tx = db.transaction('kv', 'readwrite')
    tx.objectStore('kv').put(saved, `chat:${uuid}`)
    tx.oncomplete = () => {
      db.close()
      mark(String(n))
    }
    tx.onerror = fail
  }
})()
