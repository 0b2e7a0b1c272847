/**
 * Issue "Never lose a lead, never break the host page", resilience half: the lead
 * outbox (widget/core/outbox.ts) delivers the latest snapshot exactly once through
 * an unreachable endpoint and reloads, honours Retry-After, retries timed-out
 * requests, and degrades to memory when sessionStorage or IndexedDB fail.
 *
 * Faults are simulated per page with `page.route` on the lead endpoint (never with
 * the demo server's global fault switch), so these tests run in parallel with any
 * other spec. A 401 (one request, one console line) is covered by
 * diagnostics.spec.ts ("a wrong token logs one E_TOKEN line…").
 */
import { expect, type Page, type Request, test } from '@playwright/test'
import {
  answer,
  answerEmail,
  answerName,
  answerPhone,
  type Chat,
  chat,
  chatsOf,
  chooseTopic,
  completeFlow,
  fetchLeads,
  hostUrl,
  launcher,
  leadFields,
  message,
  storedValue,
  TEXT,
  transcript,
  uniqueIds,
  uuidOf,
  visitorLead,
  waitForLead,
  watchErrors,
  watchWarnings,
} from './helpers'

// The dial-code picker defaults to the region of the browser locale (en-US → US).
test.use({ locale: 'en-US' })

const LEAD = '**/inbox/direct/lead'
const isPut = (r: Request) =>
  r.method() === 'PUT' && new URL(r.url()).pathname === '/inbox/direct/lead'

/**
 * The stored outbox (key `outbox`): each visitor's record by UUID, its fields by
 * key (`name`, `t:<tag>`, `a:<attribute>`…) with their value and edit time, and
 * its version, delivered version and parked version (widget/core/outbox.ts).
 */
interface StoredRecord {
  f: Record<string, [unknown, number]>
  v: number
  sent: number
  park?: number
}
const storedOutbox = (page: Page) => storedValue<Record<string, StoredRecord>>(page, 'outbox')
/** UUIDs whose record has a version the platform has not accepted yet. */
const waiting = async (page: Page) =>
  Object.entries((await storedOutbox(page)) ?? {})
    .filter(([, r]) => r.v > r.sent && r.v !== r.park)
    .map(([uuid]) => uuid)

/**
 * Reloads a page whose chat is open and gets the chat back in view: the loader
 * reopens it when the tab's session says it was open; only when it does not (no
 * sessionStorage) does the visitor click. Clicking while the loader is reopening
 * it would toggle it shut again, so the two are never combined.
 */
async function reloadOpen(page: Page): Promise<void> {
  const remembersOpen = await page.evaluate(() => {
    try {
      return sessionStorage.getItem('reekolect:open') === '1'
    } catch {
      return false
    }
  })
  await page.reload()
  if (!remembersOpen) await launcher(page).click()
  await expect(chat(page)).toBeVisible()
}

/** A visitor with unique values. */
const visitorOf = (suffix: string, prefix: string) => ({
  name: `${prefix} ${suffix}`,
  email: `${prefix.toLowerCase()}.${suffix}@example.com`,
  phone: '07400 123456',
  country: 'GB',
  topic: 'Support',
})

test('offline through two reloads: once back online the platform holds one chat with the latest values', async ({
  page,
  request,
}) => {
  const errors = watchErrors(page)
  const ids = uniqueIds('offline')
  const v = visitorOf(ids.suffix, 'Offline')
  const finalName = `Offline Final ${ids.suffix}`

  // "Offline" for the lead endpoint only: the page itself still loads on reload.
  let offline = true
  let refused = 0
  const sent: Record<string, unknown>[] = []
  await page.route(LEAD, (route) => {
    if (route.request().method() !== 'PUT') return route.fallback()
    if (offline) {
      refused++
      return route.abort('internetdisconnected')
    }
    sent.push(route.request().postDataJSON())
    return route.fallback()
  })

  await page.goto(hostUrl(ids))
  await launcher(page).click()
  await answerName(page, v.name)
  await answerEmail(page, v.email)
  const uuid = (await uuidOf(page)) as string
  expect(uuid).toBeTruthy()
  await expect.poll(() => refused).toBeGreaterThan(0)

  // Reload 1, mid-flow: the conversation and the pending snapshot come back from IndexedDB.
  await reloadOpen(page)
  await expect(transcript(page)).toContainText(TEXT.askPhone)
  await answerPhone(page, v.phone, v.country)
  await chooseTopic(page, v.topic)

  // Reload 2, after the flow; then the host changes the name once more.
  await reloadOpen(page)
  await expect(transcript(page)).toContainText(TEXT.thanks)
  await page.evaluate((name) => window.Reekolect?.('identify', { name }), finalName)
  await expect
    .poll(async () => JSON.stringify(await storedOutbox(page)))
    .toContain(JSON.stringify(finalName))

  // Nothing got through the route while offline. (The keepalive request an unloading
  // page sends on reload escapes page.route, so the server may already hold an older
  // snapshot: what counts is the end state below.)
  expect(sent).toEqual([])

  offline = false
  await page.evaluate(() => window.dispatchEvent(new Event('online')))
  const lead = await waitForLead(
    request,
    ids.bot,
    ids.customer,
    uuid,
    (c) => c.profile.userDetails.name === finalName,
  )
  expect(leadFields(lead)).toEqual({
    name: finalName,
    email: v.email,
    number: '7400123456',
    prefix: '44',
    tags: [v.topic],
  })
  // Nothing waits any more, and the outbox sent the latest snapshot only, not the history.
  await expect.poll(() => waiting(page)).toEqual([])
  await page.waitForTimeout(300)
  expect(sent.length).toBeGreaterThanOrEqual(1)
  expect(sent[0]).toMatchObject({ uuid, name: finalName, email: v.email, tags: [v.topic] })
  // Exactly one chat for this visitor (no duplicate from the replays), and it is a lead.
  const chats = await chatsOf(request, ids.bot, ids.customer, uuid)
  expect(chats).toHaveLength(1)
  expect((await fetchLeads(request, ids.bot, ids.customer, 'non-lead')).length).toBe(0)
  // The route's abort is an unreachable API while navigator.onLine stays true: a page
  // that lived through 3 failed attempts says so once (E_NETWORK); nothing else.
  expect(errors.widget().filter((l) => !l.startsWith('[Reekolect] E_NETWORK:'))).toEqual([])
  expect(errors.lines('[Reekolect] E_NETWORK:').length).toBeLessThanOrEqual(3)
  expect(errors.pageErrors).toEqual([])
})

// Regression: a lead captured offline used to wait in IndexedDB until the visitor
// opened the chat again; the widget now leaves `reekolect:open = 'sync'` for the loader.
test('a lead captured offline is delivered on the next page even when the chat was closed', async ({
  page,
  request,
}) => {
  const ids = uniqueIds('closed')
  const v = visitorOf(ids.suffix, 'Closed')
  let offline = true
  await page.route(LEAD, (route) =>
    route.request().method() === 'PUT' && offline
      ? route.abort('internetdisconnected')
      : route.fallback(),
  )
  await page.goto(hostUrl(ids))
  await launcher(page).click()
  await completeFlow(page, v)
  const uuid = (await uuidOf(page)) as string
  // The topic tag is stored (as the field `t:<tag>`) before the visitor moves on.
  await expect
    .poll(async () => JSON.stringify(await storedOutbox(page)))
    .toContain(JSON.stringify(`t:${v.topic}`))
  // The visitor closes the chat and goes to the next page of the site, still offline.
  await chat(page).getByRole('button', { name: 'Close chat' }).click()
  await expect(chat(page)).toHaveCount(0)
  await page.reload()
  await expect(launcher(page)).toBeVisible()
  // The network comes back.
  offline = false
  await page.evaluate(() => window.dispatchEvent(new Event('online')))
  const lead = await waitForLead(
    request,
    ids.bot,
    ids.customer,
    uuid,
    (c) => c.profile.userDetails.tags.length > 0,
  )
  expect(leadFields(lead).email).toBe(v.email)
})

// Regression: the keepalive flush once read IndexedDB before sending, which finishes
// after the unload; it now sends from memory, synchronously in the handler.
test('leaving the page while a request hangs sends the latest snapshot with keepalive', async ({
  page,
  request,
}) => {
  const ids = uniqueIds('keepalive')
  const name = `Keepalive ${ids.suffix}`
  let puts = 0
  await page.route(LEAD, (route) => {
    if (route.request().method() !== 'PUT') return route.fallback()
    // The first request (the ids-only chat creation) hangs: the outbox is busy for 10 s.
    if (++puts === 1) return
    return route.fallback()
  })
  await page.goto(hostUrl(ids))
  await launcher(page).click()
  await answerName(page, name)
  const uuid = (await uuidOf(page)) as string
  await expect.poll(() => puts).toBe(1)
  // The visitor leaves within the 10 s timeout: page hide must send the latest snapshot.
  await page.goto('/demo/e2e/tag-empty.html')
  const lead = await waitForLead(request, ids.bot, ids.customer, uuid)
  expect(lead.profile.userDetails.name).toBe(name)
})

test('a 503 with Retry-After: 2 is retried after 2 s, then the lead arrives', async ({
  page,
  request,
}) => {
  const errors = watchErrors(page)
  const ids = uniqueIds('retry503')
  const v = visitorOf(ids.suffix, 'Retry')
  const attempts: number[] = []
  const statuses: number[] = []
  await page.route(LEAD, async (route) => {
    if (route.request().method() !== 'PUT') return route.fallback()
    attempts.push(Date.now())
    if (attempts.length === 1) {
      statuses.push(503)
      return route.fulfill({
        status: 503,
        headers: { 'retry-after': '2', 'content-type': 'application/json' },
        body: JSON.stringify({ success: false, message: 'outage', code: 503 }),
      })
    }
    const res = await route.fetch()
    statuses.push(res.status())
    return route.fulfill({ response: res })
  })
  await page.goto(hostUrl(ids))
  await launcher(page).click()
  await expect(transcript(page)).toContainText(TEXT.askName)
  // The visitor answers during the wait: the retry carries whatever is latest.
  await answerName(page, v.name)

  // Statuses are recorded when the forwarded request answers, after the attempt itself.
  await expect.poll(() => statuses.length, { timeout: 8_000 }).toBeGreaterThanOrEqual(2)
  const [first = 0, second = 0] = attempts
  // The default first backoff would be 0.5–1 s: 1.9 s or more means Retry-After was honoured.
  expect(second - first).toBeGreaterThanOrEqual(1_900)
  expect(second - first).toBeLessThan(4_000)
  expect(statuses.slice(0, 2)).toEqual([503, 200])

  await answerEmail(page, v.email)
  await answerPhone(page, v.phone, v.country)
  await chooseTopic(page, v.topic)
  const lead = await visitorLead(page, request, ids, (c) => c.profile.userDetails.tags.length > 0)
  expect(leadFields(lead)).toMatchObject({ name: v.name, email: v.email, tags: [v.topic] })
  expect(await chatsOf(request, ids.bot, ids.customer, lead.uuid)).toHaveLength(1)
  // A 503 is transient: no console line for the site owner.
  expect(errors.widget()).toEqual([])
  expect(errors.pageErrors).toEqual([])
})

test('a request that never gets an answer times out after 10 s and is retried', async ({
  page,
  request,
}) => {
  test.setTimeout(40_000)
  const errors = watchErrors(page)
  const ids = uniqueIds('hang')
  const v = visitorOf(ids.suffix, 'Hang')
  const attempts: number[] = []
  await page.route(LEAD, (route) => {
    if (route.request().method() !== 'PUT') return route.fallback()
    attempts.push(Date.now())
    // The first request hangs: never answered, never aborted by us.
    if (attempts.length === 1) return
    return route.fallback()
  })
  const failed: string[] = []
  page.on('requestfailed', (r) => {
    if (isPut(r)) failed.push(r.failure()?.errorText ?? '')
  })
  await page.goto(hostUrl(ids))
  await launcher(page).click()
  // The visitor finishes the flow while the first request hangs (one request in flight at a time).
  await completeFlow(page, v)
  expect(attempts).toHaveLength(1)

  await expect.poll(() => attempts.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2)
  const [first = 0, second = 0] = attempts
  // REQUEST_TIMEOUT (widget/core/api.ts) is 10 s, then the first backoff (0.5–1 s).
  expect(second - first).toBeGreaterThanOrEqual(9_500)
  expect(second - first).toBeLessThan(13_000)
  expect(failed).toHaveLength(1)

  const lead = await visitorLead(page, request, ids, (c) => c.profile.userDetails.tags.length > 0)
  expect(leadFields(lead)).toEqual({
    name: v.name,
    email: v.email,
    number: '7400123456',
    prefix: '44',
    tags: [v.topic],
  })
  expect(errors.widget()).toEqual([])
  expect(errors.pageErrors).toEqual([])
})

/** Init scripts that break one store each, as private modes and sandboxed frames do. */
const STORAGE_FAULTS = [
  {
    name: 'sessionStorage getItem and setItem throw',
    store: 'sessionStorage',
    script: () => {
      const deny = () => {
        throw new DOMException('The operation is insecure.', 'SecurityError')
      }
      Storage.prototype.getItem = deny
      Storage.prototype.setItem = deny
    },
  },
  {
    name: 'reading window.sessionStorage throws (sandboxed frame)',
    store: 'sessionStorage',
    script: () => {
      Object.defineProperty(window, 'sessionStorage', {
        configurable: true,
        get() {
          throw new DOMException('Access is denied for this document.', 'SecurityError')
        },
      })
    },
  },
  {
    name: 'sessionStorage setItem throws QuotaExceededError',
    store: 'sessionStorage',
    script: () => {
      Storage.prototype.setItem = () => {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
      }
    },
  },
  {
    name: 'indexedDB.open fails',
    store: 'IndexedDB',
    script: () => {
      IDBFactory.prototype.open = function open() {
        const req = {
          result: undefined,
          error: new DOMException('Internal error opening backing store.', 'UnknownError'),
          readyState: 'done',
          onsuccess: null as null | ((e: unknown) => void),
          onerror: null as null | ((e: unknown) => void),
          onupgradeneeded: null,
          onblocked: null,
          addEventListener() {},
          removeEventListener() {},
        }
        setTimeout(() => req.onerror?.({ type: 'error', target: req }), 0)
        return req as unknown as IDBOpenDBRequest
      }
    },
  },
  {
    name: 'indexedDB.open never answers',
    store: 'IndexedDB',
    script: () => {
      IDBFactory.prototype.open = function open() {
        return {
          result: undefined,
          error: null,
          readyState: 'pending',
          onsuccess: null,
          onerror: null,
          onupgradeneeded: null,
          onblocked: null,
          addEventListener() {},
          removeEventListener() {},
        } as unknown as IDBOpenDBRequest
      }
    },
  },
] as const

for (const fault of STORAGE_FAULTS) {
  test(`storage fault, ${fault.name}: one W_STORAGE warning and the lead is still delivered`, async ({
    page,
    request,
  }) => {
    const errors = watchErrors(page)
    const warnings = watchWarnings(page)
    await page.addInitScript(fault.script)
    const ids = uniqueIds('storage')
    const v = visitorOf(ids.suffix, 'Storage')
    await page.goto(hostUrl(ids))
    await launcher(page).click()
    await expect(chat(page)).toBeVisible()
    await completeFlow(page, v)

    // The UUID may not be readable from sessionStorage here: the lead is found by its unique email.
    let lead: Chat | undefined
    await expect
      .poll(async () => {
        lead = (await fetchLeads(request, ids.bot, ids.customer)).find(
          (c) =>
            c.profile.userDetails.contact.email === v.email && c.profile.userDetails.tags.length,
        )
        return Boolean(lead)
      })
      .toBe(true)
    expect(leadFields(lead as Chat)).toEqual({
      name: v.name,
      email: v.email,
      number: '7400123456',
      prefix: '44',
      tags: [v.topic],
    })
    // One visitor, one chat: the in-memory UUID stayed the same for the whole page.
    expect(await fetchLeads(request, ids.bot, ids.customer, 'lead')).toHaveLength(1)
    expect(await fetchLeads(request, ids.bot, ids.customer, 'non-lead')).toHaveLength(0)

    const storage = warnings.filter((l) => l.startsWith('[Reekolect] W_STORAGE:'))
    expect(storage).toHaveLength(1)
    expect(storage[0]).toContain(fault.store)
    expect(warnings).toEqual(storage)
    expect(errors.widget()).toEqual([])
    expect(errors.pageErrors).toEqual([])
  })
}

test('the phone chunk failing to load: one E_LOAD line, and the number is still taken and synced', async ({
  page,
  request,
}) => {
  const errors = watchErrors(page)
  const ids = uniqueIds('nophone')
  await page.route('**/assets/phone-*.js', (r) => r.fulfill({ status: 404, body: '' }))
  await page.goto(hostUrl(ids))
  await launcher(page).click()
  await answerName(page, 'No Phone Chunk')
  await answerEmail(page, `nophone.${ids.suffix}@example.com`)
  await expect(message(page, 'bot', TEXT.askPhone)).toBeVisible()
  // No dial-code picker without the chunk; the number is typed and checked roughly.
  await expect(chat(page).getByRole('combobox', { name: 'Country' })).toHaveCount(0)
  await answer(page, 'call me')
  await expect(chat(page)).toContainText('This does not look like a valid phone number')
  await answer(page, '07400 123456')
  await expect(message(page, 'visitor', '07400 123456')).toBeVisible()
  await expect(message(page, 'bot', TEXT.askTopic)).toBeVisible()
  const lead = await visitorLead(page, request, ids, (c) => leadFields(c).number === '07400123456')
  expect(leadFields(lead).name).toBe('No Phone Chunk')
  expect(errors.widget()).toEqual([
    '[Reekolect] E_LOAD: the phone chunk could not load; numbers are not checked — serve assets/ next to Reekolect.js',
  ])
  expect(errors.pageErrors).toEqual([])
})
