/**
 * Lead delivery as the platform, the site owner and the visitor see it
 * (widget/core/outbox.ts): tabs of one visitor merge per field, stored records of
 * another shape are discarded without breaking anything, a host's identify per
 * keystroke is coalesced, an unreachable API is said once and retried less often,
 * a long Retry-After from another origin is honoured, the visitor is told when
 * delivery waits, no body over 64 KiB is ever sent, and leaving a page sends one
 * keepalive PUT per waiting version.
 *
 * Faults come from the demo server, for this spec's bots only (`POST
 * /demo/api/fault {fault, botId}`), except `cors`, which is server-wide (a
 * preflight names no bot) and only bites a page of another origin: the tests that
 * use another origin run one after the other.
 */
import { type APIRequestContext, expect, type Page, test } from '@playwright/test'
import {
  answer,
  answerName,
  chat,
  fetchLeads,
  hostUrl,
  launcher,
  message,
  TEXT,
  transcript,
  UUID_KEY,
  uniqueIds,
  uuidOf,
  waitForLead,
  watchErrors,
  watchWarnings,
} from './helpers'

test.use({ locale: 'en-US' })

/** Sets a fault of the demo lead API: for one bot, or server-wide without `botId`. */
async function fault(
  request: APIRequestContext,
  data: { fault: string; botId?: string; retryAfter?: number },
) {
  expect((await request.post('/demo/api/fault', { data })).ok()).toBe(true)
}

/** PUTs the demo server has received for a bot, keepalive ones included. */
async function putsOf(request: APIRequestContext, bot: string): Promise<number> {
  const state = (await (await request.get('/demo/api/fault')).json()) as {
    stats: { bots: Record<string, number> }
  }
  return state.stats.bots[bot] ?? 0
}

/** Calls `window.Reekolect(command, ...args)` in the page. */
const call = (page: Page, command: 'identify' | 'setAttributes', arg: object) =>
  page.evaluate(([c, a]) => window.Reekolect?.(c, a as never), [command, arg] as const)

/** Waits until the commands chunk has loaded and runs (its `ready` event fired). */
async function commandsReady(page: Page) {
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        window.Reekolect?.('on', 'ready', () => resolve())
      }),
  )
}

/** Counts the lead PUTs the page starts (answered or failed). */
function countPuts(page: Page) {
  const bodies: string[] = []
  let failed = 0
  let answered = 0
  const isLead = (url: string) => new URL(url).pathname === '/inbox/direct/lead'
  page.on('request', (r) => {
    if (r.method() === 'PUT' && isLead(r.url())) bodies.push(r.postData() ?? '')
  })
  page.on('requestfailed', (r) => {
    if (r.method() === 'PUT' && isLead(r.url())) failed++
  })
  page.on('requestfinished', (r) => {
    if (r.method() === 'PUT' && isLead(r.url())) answered++
  })
  return {
    bodies,
    get count() {
      return bodies.length
    },
    /** Whether every PUT started has ended. */
    settled: () => failed + answered === bodies.length,
  }
}

test('two tabs of one visitor (a duplicated tab) merge per field: neither reverts the other', async ({
  context,
  request,
}) => {
  const ids = uniqueIds('tabs')
  const a = await context.newPage()
  const errors = watchErrors(a)
  await a.goto(hostUrl(ids))
  await launcher(a).click()
  await answerName(a, 'Anna')
  const uuid = (await uuidOf(a)) as string
  await waitForLead(
    request,
    ids.bot,
    ids.customer,
    uuid,
    (c) => c.profile.userDetails.name === 'Anna',
  )

  // Tab B: a duplicate of A, so its sessionStorage (the UUID) is A's. Same origin:
  // the same IndexedDB, where it restores the saved chat, name "Anna".
  const b = await context.newPage()
  await b.addInitScript(
    ([key, value]) => sessionStorage.getItem(key) || sessionStorage.setItem(key, value),
    [UUID_KEY, uuid] as const,
  )
  await b.goto(hostUrl(ids))
  await launcher(b).click()
  await expect(transcript(b)).toContainText(TEXT.askEmail('Anna'))
  expect(await uuidOf(b)).toBe(uuid)
  await commandsReady(b)

  // A renames the visitor and sets an attribute only A knows.
  await call(a, 'identify', { name: 'Ann', attributes: { 'only-in-a': '1' } })
  await waitForLead(
    request,
    ids.bot,
    ids.customer,
    uuid,
    (c) => c.profile.userDetails.name === 'Ann',
  )
  // B, whose lead still says "Anna" and has no attributes, sets one of its own.
  await call(b, 'setAttributes', { 'from-b': '1' })
  const both = await waitForLead(request, ids.bot, ids.customer, uuid, (c) =>
    c.profile.userDetails.attributes.some((x) => x.key === 'from-b'),
  )
  expect(both.profile.userDetails.name).toBe('Ann')
  expect(both.profile.userDetails.attributes).toEqual(
    expect.arrayContaining([
      { key: 'only-in-a', value: '1' },
      { key: 'from-b', value: '1' },
    ]),
  )

  // A changes the name again; B's next change does not bring the old one back.
  await call(a, 'identify', { name: 'Ann Lee' })
  await waitForLead(
    request,
    ids.bot,
    ids.customer,
    uuid,
    (c) => c.profile.userDetails.name === 'Ann Lee',
  )
  await call(b, 'setAttributes', { 'from-b': '2' })
  const last = await waitForLead(request, ids.bot, ids.customer, uuid, (c) =>
    c.profile.userDetails.attributes.some((x) => x.key === 'from-b' && x.value === '2'),
  )
  expect(last.profile.userDetails.name).toBe('Ann Lee')
  expect(last.profile.userDetails.attributes).toEqual(
    expect.arrayContaining([{ key: 'only-in-a', value: '1' }]),
  )
  expect(errors.pageErrors).toEqual([])
})

test('a stored outbox record and a saved chat of an unexpected shape: one warning each, the chat works, the lead arrives', async ({
  page,
  request,
}) => {
  const errors = watchErrors(page)
  const warnings = watchWarnings(page)
  const ids = uniqueIds('corrupt')
  const uuid = crypto.randomUUID()
  // Before any script of the page: the visitor's UUID, and the widget's store
  // (database reekolect, store kv) holding a string where the outbox keeps an
  // object, and a saved chat whose messages are not a list.
  await page.addInitScript(
    ([key, id]) => {
      if (sessionStorage.getItem(key)) return
      sessionStorage.setItem(key, id)
      const open = indexedDB.open('reekolect')
      open.onupgradeneeded = () => open.result.createObjectStore('kv')
      open.onsuccess = () => {
        const tx = open.result.transaction('kv', 'readwrite')
        tx.objectStore('kv').put('corrupted', 'outbox')
        tx.objectStore('kv').put({ v: 1, messages: 'corrupted', lead: 7 }, `chat:${id}`)
        tx.oncomplete = () => open.result.close()
      }
    },
    [UUID_KEY, uuid] as const,
  )
  await page.goto(hostUrl(ids))
  // The store is seeded before the chat opens.
  await expect
    .poll(() =>
      page.evaluate(
        () =>
          new Promise((resolve) => {
            const open = indexedDB.open('reekolect')
            open.onsuccess = () => {
              const db = open.result
              if (!db.objectStoreNames.contains('kv')) return resolve(undefined)
              const get = db.transaction('kv').objectStore('kv').get('outbox')
              get.onsuccess = () => resolve(get.result)
            }
          }),
      ),
    )
    .toBe('corrupted')
  await launcher(page).click()
  await answerName(page, 'Ada Corrupt')
  const lead = await waitForLead(
    request,
    ids.bot,
    ids.customer,
    uuid,
    (c) => c.profile.userDetails.name === 'Ada Corrupt',
  )
  expect(lead.uuid).toBe(uuid)
  expect(errors.pageErrors).toEqual([])
  expect(errors.widget()).toEqual([])
  expect(warnings.filter((l) => l.startsWith('[Reekolect] W_OUTBOX:'))).toHaveLength(1)
  expect(warnings.filter((l) => l.startsWith('[Reekolect] W_SAVED_CHAT:'))).toHaveLength(1)
})

test('a host calling identify on each of 50 keystrokes sends at most 3 PUTs, and the last values arrive', async ({
  page,
  request,
}) => {
  const ids = uniqueIds('keys')
  await page.goto(hostUrl(ids))
  const puts = countPuts(page)
  await page.evaluate(() =>
    window.Reekolect?.('identify', { name: 'A', attributes: { form: 'start' } }),
  )
  await commandsReady(page)
  const uuid = (await uuidOf(page)) as string
  await waitForLead(request, ids.bot, ids.customer, uuid, () => true)
  await expect.poll(() => puts.settled()).toBe(true)
  const before = puts.count
  // A fast typist: a keystroke every 15 ms, each one an identify of the whole form.
  const typed = 'Ada Lovelace, Analytical Engine, London 1843 ok!'
  expect(typed.length).toBeGreaterThanOrEqual(48)
  await page.evaluate(async (text) => {
    for (let i = 1; i <= 50; i++) {
      window.Reekolect?.('identify', {
        name: text.slice(0, Math.min(i, text.length)),
        attributes: { form: `keystroke ${i}` },
      })
      await new Promise((r) => setTimeout(r, 15))
    }
  }, typed)
  const lead = await waitForLead(request, ids.bot, ids.customer, uuid, (c) =>
    c.profile.userDetails.attributes.some((a) => a.value === 'keystroke 50'),
  )
  expect(lead.profile.userDetails.name).toBe(typed)
  await page.waitForTimeout(1200)
  expect(puts.count - before).toBeGreaterThanOrEqual(1)
  expect(puts.count - before).toBeLessThanOrEqual(3)
})

test.describe('a lead API on another origin', () => {
  // The cors fault is server-wide (a preflight carries no bot id): these go one at a time.
  test.describe.configure({ mode: 'serial' })
  /** The demo API under the other name of the same host: `localhost` for a page on `127.0.0.1`. */
  const otherOrigin = (baseURL: string | undefined) => {
    const u = new URL(baseURL ?? '')
    u.hostname = u.hostname === 'localhost' ? '127.0.0.1' : 'localhost'
    return u.origin
  }

  test('a preflight that refuses x-bp-token: one E_NETWORK line naming what to allow, at most 4 attempts in 60 s, a note for the visitor', async ({
    page,
    request,
    baseURL,
  }) => {
    test.setTimeout(60_000)
    const api = otherOrigin(baseURL)
    const ids = uniqueIds('cors')
    const errors = watchErrors(page)
    await fault(request, { fault: 'cors' })
    try {
      await page.clock.install()
      const puts = countPuts(page)
      await page.goto(hostUrl(ids, undefined, { api: `${api}/` }))
      await launcher(page).click()
      await expect(transcript(page)).toContainText(TEXT.askName)
      await expect.poll(() => puts.count).toBe(1)
      const start = Date.now()
      // One minute of the page's clock, a second at a time, letting each attempt fail first.
      for (let s = 0; s < 60; s++) {
        await expect.poll(() => puts.settled()).toBe(true)
        await page.clock.runFor(1000)
      }
      await expect.poll(() => puts.settled()).toBe(true)
      // 1 s doubling would make 6 attempts; after 3 failures in a row the wait is 30 s or more.
      expect(puts.count).toBeGreaterThanOrEqual(3)
      expect(puts.count).toBeLessThanOrEqual(4)
      const lines = errors.lines('[Reekolect] E_NETWORK:')
      expect(lines).toHaveLength(1)
      expect(lines[0]).toContain(api)
      expect(lines[0]).toContain(new URL(baseURL ?? '').origin)
      expect(lines[0]).toContain('x-bp-token')
      expect(lines[0]).toContain('content-type')
      // The visitor learns that sending is still being tried, and can go on chatting.
      await expect(chat(page).getByRole('status')).toHaveText('We’re still trying to send this.')
      await answer(page, 'Ada Cors')
      await expect(message(page, 'visitor', 'Ada Cors')).toBeVisible()
      expect(Date.now() - start).toBeLessThan(50_000)

      // The platform's origin is fixed; the next attempt (here: the network comes back) delivers.
      await fault(request, { fault: 'none' })
      await page.evaluate(() => window.dispatchEvent(new Event('online')))
      await waitForLead(
        request,
        ids.bot,
        ids.customer,
        (await uuidOf(page)) as string,
        (c) => c.profile.userDetails.name === 'Ada Cors',
      )
      await expect(chat(page).getByRole('status')).toHaveText('')
      expect(errors.pageErrors).toEqual([])
    } finally {
      await fault(request, { fault: 'none' })
    }
  })

  test('a 429 with Retry-After: 120 from another origin is read and waited out in full', async ({
    page,
    request,
    baseURL,
  }) => {
    const api = otherOrigin(baseURL)
    const ids = uniqueIds('ra')
    const errors = watchErrors(page)
    await fault(request, { fault: '429', botId: ids.bot, retryAfter: 120 })
    await page.clock.install()
    const puts = countPuts(page)
    await page.goto(hostUrl(ids, undefined, { api: `${api}/` }))
    await launcher(page).click()
    await answerName(page, 'Ada Later')
    await expect.poll(() => puts.count).toBeGreaterThanOrEqual(1)
    await expect.poll(() => puts.settled()).toBe(true)
    const first = puts.count
    // Past the 60 s backoff cap, short of the server's 120 s: nothing is sent.
    for (let s = 0; s < 23; s++) {
      await page.clock.runFor(5000)
      await expect.poll(() => puts.settled()).toBe(true)
    }
    expect(puts.count).toBe(first)
    await fault(request, { fault: 'none', botId: ids.bot })
    // The server's 120 s end within the next seconds of the page's clock; it runs
    // on while the lead is awaited, so a retry timed from a late answer still comes.
    const uuid = (await uuidOf(page)) as string
    await expect
      .poll(
        async () => {
          await page.clock.runFor(2000)
          const lead = (await fetchLeads(request, ids.bot, ids.customer)).find(
            (c) => c.uuid === uuid,
          )
          return lead?.profile.userDetails.name
        },
        { timeout: 20_000 },
      )
      .toBe('Ada Later')
    // Rate limiting is not the site owner's problem: no console line.
    expect(errors.widget()).toEqual([])
  })
})

test('offline: the visitor is told the lead will be sent once back online; the note goes once it is', async ({
  page,
  context,
  request,
}) => {
  const ids = uniqueIds('note')
  await page.goto(hostUrl(ids))
  await launcher(page).click()
  await expect(transcript(page)).toContainText(TEXT.askName)
  const note = chat(page).getByRole('status')
  await expect(note).toHaveText('')
  await context.setOffline(true)
  await answer(page, 'Ada Offline')
  await expect(note).toHaveText('We’ll send this when you’re back online.')
  // Non-blocking: the chat goes on.
  await expect(transcript(page)).toContainText(TEXT.askEmail('Ada Offline'))
  await context.setOffline(false)
  await waitForLead(
    request,
    ids.bot,
    ids.customer,
    (await uuidOf(page)) as string,
    (c) => c.profile.userDetails.name === 'Ada Offline',
  )
  await expect(note).toHaveText('')
})

test('a 413: the answer that carried the field is flagged, and the same body is not sent again by the next page', async ({
  page,
  request,
}) => {
  const ids = uniqueIds('big')
  const errors = watchErrors(page)
  await fault(request, { fault: '413', botId: ids.bot })
  await page.goto(hostUrl(ids))
  await launcher(page).click()
  await answerName(page, 'Ada Big')
  const flagged = transcript(page).locator('[aria-invalid="true"]')
  await expect(flagged).toHaveCount(1)
  await expect(flagged).toContainText('Ada Big')
  await expect(flagged).toContainText('This was too long to send.')
  await expect.poll(() => errors.lines('[Reekolect] E_LEAD_TOO_LARGE:').length).toBeGreaterThan(0)
  const sent = await putsOf(request, ids.bot)

  // The next page of the tab: the chat reopens, flagged as before; nothing is resent.
  await page.reload()
  await expect(chat(page)).toBeVisible()
  await expect(transcript(page).locator('[aria-invalid="true"]')).toContainText('Ada Big')
  await page.waitForTimeout(1500)
  expect(await putsOf(request, ids.bot)).toBe(sent)

  // Another answer is a new chance, without the field the platform refused.
  await fault(request, { fault: 'none', botId: ids.bot })
  await answer(page, 'ada.big@example.com')
  const lead = await waitForLead(
    request,
    ids.bot,
    ids.customer,
    (await uuidOf(page)) as string,
    (c) => c.profile.userDetails.contact.email === 'ada.big@example.com',
  )
  expect(lead.profile.userDetails.name).toBeNull()
})

test('no PUT body is ever larger than 64 KiB: host calls that would make it so are refused whole, one E_ARGS line each', async ({
  page,
  request,
}) => {
  const ids = uniqueIds('guard')
  const errors = watchErrors(page)
  await page.goto(hostUrl(ids))
  const puts = countPuts(page)
  await page.evaluate(() => window.Reekolect?.('identify', { name: 'Ada Guard' }))
  await commandsReady(page)
  // 80 attributes of 900 characters, 10 per call: about 74 KB in all, so the last
  // calls would pass 64 KiB (the outbox's own guard is tested in outbox.test.ts).
  await page.evaluate(() => {
    for (let call = 0; call < 8; call++) {
      const attrs: Record<string, string> = {}
      for (let i = 0; i < 10; i++) attrs[`a${call * 10 + i}`] = String(i).repeat(900)
      window.Reekolect?.('setAttributes', attrs)
    }
  })
  await expect.poll(() => errors.lines('[Reekolect] E_ARGS:').length).toBeGreaterThan(0)
  const refused = errors.lines('[Reekolect] E_ARGS:').length
  const uuid = (await uuidOf(page)) as string
  const accepted = (8 - refused) * 10
  const lead = await waitForLead(
    request,
    ids.bot,
    ids.customer,
    uuid,
    (c) => c.profile.userDetails.attributes.length === accepted,
  )
  expect(lead.profile.userDetails.name).toBe('Ada Guard')
  expect(accepted).toBeGreaterThanOrEqual(60)
  const sizes = puts.bodies.map((b) => Buffer.byteLength(b))
  expect(Math.max(...sizes)).toBeLessThanOrEqual(65_536)
  expect(errors.pageErrors).toEqual([])
})

test('leaving the page sends one keepalive PUT per waiting version, not one per hide event', async ({
  page,
  request,
}) => {
  const ids = uniqueIds('leave')
  // Every PUT of this bot hangs: the first one keeps the outbox busy, so only page hide sends.
  await fault(request, { fault: 'hang', botId: ids.bot })
  await page.goto(hostUrl(ids))
  await launcher(page).click()
  await expect(transcript(page)).toContainText(TEXT.askName)
  await expect.poll(() => putsOf(request, ids.bot)).toBe(1)
  await answer(page, 'Ada Leaves')
  await expect(transcript(page)).toContainText(TEXT.askEmail('Ada Leaves'))
  // The visitor leaves: visibilitychange (hidden) and pagehide both fire.
  await page.goto('/demo/e2e/tag-empty.html')
  await expect.poll(() => putsOf(request, ids.bot)).toBe(2)
  await page.waitForTimeout(1000)
  expect(await putsOf(request, ids.bot)).toBe(2)
  await fault(request, { fault: 'none', botId: ids.bot })
})
