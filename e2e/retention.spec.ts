/**
 * What the widget keeps about visitors in the browser, and for how long
 * (docs/architecture.md, "What is stored"): conversations unchanged for longer than the retention
 * (30 days, or `data-retention-days`) are removed, and `reset` removes the
 * previous visitor's records. Drives the built bundle on the demo host page and
 * reads IndexedDB as the browser's devtools would.
 */
import { expect, type Page, test } from '@playwright/test'
import {
  answer,
  chat,
  hostUrl,
  launcher,
  TEXT,
  transcript,
  uniqueIds,
  uuidOf,
  visitorLead,
  watchErrors,
} from './helpers'

const DAY = 86_400_000

/**
 * Runs `body` (statements with `store`, an IDBObjectStore, and `arg` in scope,
 * returning an IDBRequest) in the page on the widget's IndexedDB store (database
 * `reekolect`, store `kv`, created as idb-keyval does) and resolves with the
 * request's result. Passed as an expression string, so the page's CSP never sees
 * an eval.
 */
function withStore<T>(
  page: Page,
  mode: IDBTransactionMode,
  body: string,
  arg?: unknown,
): Promise<T> {
  return page.evaluate(`new Promise((resolve, reject) => {
    const arg = ${JSON.stringify(arg ?? null)}
    const open = indexedDB.open('reekolect')
    open.onupgradeneeded = () => open.result.createObjectStore('kv')
    open.onerror = () => reject(open.error)
    open.onsuccess = () => {
      const tx = open.result.transaction('kv', '${mode}')
      const store = tx.objectStore('kv')
      const req = (() => { ${body} })()
      tx.oncomplete = () => { open.result.close(); resolve(req.result) }
      tx.onerror = () => reject(tx.error)
    }
  })`) as Promise<T>
}

/** Saved conversations of earlier visitors, last changed `daysAgo` days ago. */
const seedChats = (page: Page, chats: Record<string, number>) =>
  withStore(
    page,
    'readwrite',
    `for (const [uuid, days] of Object.entries(arg)) {
       const at = Date.now() - days * ${DAY}
       store.put({ v: 1, at, messages: [{ id: 1, from: 'visitor', text: 'Ada', at }],
                   lead: { name: 'Ada', tags: [], attributes: [], notes: [] }, open: false }, 'chat:' + uuid)
     }
     return store.count()`,
    chats,
  )

const storedKeys = (page: Page) =>
  withStore<string[]>(page, 'readonly', 'return store.getAllKeys()').then((k) => k.sort())

test('saved conversations older than 30 days are removed once the chat has loaded; newer ones stay', async ({
  page,
}) => {
  const errors = watchErrors(page)
  await page.goto(hostUrl(uniqueIds('retention')))
  await expect(launcher(page)).toBeVisible()
  await seedChats(page, { 'old-visitor': 31, 'recent-visitor': 29 })
  await launcher(page).click()
  await expect(transcript(page)).toContainText(TEXT.askName)
  const own = `chat:${await uuidOf(page)}`
  await expect.poll(() => storedKeys(page)).not.toContain('chat:old-visitor')
  const keys = await storedKeys(page)
  expect(keys).toContain('chat:recent-visitor')
  expect(keys).toContain(own)
  expect(errors.widget()).toEqual([])
})

test('data-retention-days="1" removes conversations unchanged for more than a day', async ({
  page,
}) => {
  await page.goto(hostUrl(uniqueIds('retention1'), undefined, { retention: '1' }))
  await expect(launcher(page)).toBeVisible()
  await seedChats(page, { 'two-days': 2, 'an-hour': 1 / 24 })
  await launcher(page).click()
  await expect(transcript(page)).toContainText(TEXT.askName)
  await expect.poll(() => storedKeys(page)).not.toContain('chat:two-days')
  expect(await storedKeys(page)).toContain('chat:an-hour')
})

test('a data-retention-days that is not a number of days gets one E_ATTRIBUTE line and the 30-day default', async ({
  page,
}) => {
  const errors = watchErrors(page)
  await page.goto(hostUrl(uniqueIds('retention-bad'), undefined, { retention: 'forever' }))
  await expect(launcher(page)).toBeVisible()
  await seedChats(page, { 'ten-days': 10, 'forty-days': 40 })
  await launcher(page).click()
  await expect(transcript(page)).toContainText(TEXT.askName)
  await expect.poll(() => storedKeys(page)).not.toContain('chat:forty-days')
  expect(await storedKeys(page)).toContain('chat:ten-days')
  expect(errors.lines('[Reekolect] E_ATTRIBUTE:')).toHaveLength(1)
  expect(errors.lines('[Reekolect] E_ATTRIBUTE:')[0]).toContain('data-retention-days="forever"')
})

test('reset removes the previous visitor’s conversation and delivered lead record from the browser', async ({
  page,
  request,
}) => {
  const ids = uniqueIds('retention-reset')
  await page.goto(hostUrl(ids))
  await launcher(page).click()
  await answer(page, 'Ada Lovelace')
  await expect(transcript(page)).toContainText(TEXT.askEmail('Ada Lovelace'))
  const before = await uuidOf(page)
  // Delivered: the platform has the name.
  await visitorLead(page, request, ids, (c) => c.profile.userDetails.name === 'Ada Lovelace')
  const outboxHas = (uuid: string) =>
    withStore<Record<string, unknown> | undefined>(
      page,
      'readonly',
      "return store.get('outbox')",
    ).then((o) => !!o && uuid in o)
  await expect.poll(() => outboxHas(before as string)).toBe(true)
  expect(await storedKeys(page)).toContain(`chat:${before}`)

  await page.evaluate(() => window.Reekolect?.('reset'))
  await expect(chat(page).getByText('Ada Lovelace')).toHaveCount(0)
  await expect.poll(() => storedKeys(page)).not.toContain(`chat:${before}`)
  await expect.poll(() => outboxHas(before as string)).toBe(false)
  const after = await uuidOf(page)
  expect(after).not.toBe(before)
})
