/**
 * The demo server's fault modes, scoped to one bot (`POST /demo/api/fault
 * {fault, botId}`), as a site owner would switch them in the playground: the
 * widget rides out an outage and a rate limit, and the lead arrives once the API
 * recovers.
 */
import { expect, test } from '@playwright/test'
import {
  answerName,
  hostUrl,
  launcher,
  uniqueIds,
  uuidOf,
  waitForLead,
  watchErrors,
} from './helpers'

for (const fault of ['500', '503', '429', 'drop'] as const) {
  test(`a ${fault} outage of the lead API: the lead arrives once it recovers, with no console error`, async ({
    page,
    request,
  }) => {
    const ids = uniqueIds(`fault${fault}`)
    const errors = watchErrors(page)
    const set = async (f: string) =>
      expect(
        (await request.post('/demo/api/fault', { data: { fault: f, botId: ids.bot } })).ok(),
      ).toBe(true)
    await set(fault)
    let answered = 0
    page.on('response', (r) => {
      if (r.url().endsWith('/inbox/direct/lead') && r.request().method() === 'PUT') answered++
    })
    const failed: string[] = []
    page.on('requestfailed', (r) => r.url().endsWith('/inbox/direct/lead') && failed.push(r.url()))
    await page.goto(hostUrl(ids))
    await launcher(page).click()
    await answerName(page, `Outage ${fault}`)
    // The API is down: attempts fail (answered with the fault, or the socket dropped).
    await expect.poll(() => answered + failed.length).toBeGreaterThan(0)
    await set('none')
    const lead = await waitForLead(
      request,
      ids.bot,
      ids.customer,
      (await uuidOf(page)) as string,
      (c) => c.profile.userDetails.name === `Outage ${fault}`,
      // The widget waits out its backoff (1 s, doubling, with jitter) before the next try.
      20_000,
    )
    expect(lead.profile.userDetails.name).toBe(`Outage ${fault}`)
    expect(errors.widget()).toEqual([])
    expect(errors.pageErrors).toEqual([])
  })
}
