/**
 * The sub-apps of the demo server (demo/routes/) each mount alone on a state
 * (demo/state.ts) and share it, not their app; the static files sub-app serves
 * the playground from its build (`dist/demo/`) and the fixtures from `demo/`.
 * Every route's behaviour through `createApp` is in app.test.ts.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Db, openDb } from './db'
import { demoApi } from './routes/demo-api'
import { platform } from './routes/platform'
import { staticFiles } from './routes/static'
import { createState } from './state'

const TOKEN = 'test-token'
const lead = { uuid: '7e88d192-9b20-4035-9b68-d4ac3d58a34f', botId: 'bot1', customerId: 'cust1' }

let db: Db
beforeEach(() => {
  db = openDb(':memory:')
})
afterEach(() => {
  db.close()
})

const putLead = (app: ReturnType<typeof platform>) =>
  app.request('/inbox/direct/lead', {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'x-bp-token': TOKEN },
    body: JSON.stringify(lead),
  })

describe('sub-apps', () => {
  it('each answers its own routes when mounted alone, and no other group’s', async () => {
    const state = createState({ db, token: TOKEN })
    const api = platform(state)
    expect((await putLead(api)).status).toBe(200)
    expect((await api.request('/demo/api/fault')).status).toBe(404)
    expect((await demoApi(state).request('/demo/api/fault')).status).toBe(200)
    expect((await demoApi(state).request('/inbox/direct/chats')).status).toBe(404)
    expect((await staticFiles(state).request('/favicon.ico')).status).toBe(204)
    expect((await staticFiles(state).request('/demo/api/fault')).status).toBe(404)
  })

  it('share the state they are given: a fault set through the demo API fails the platform’s PUT', async () => {
    const state = createState({ db, token: TOKEN })
    const res = await demoApi(state).request('/demo/api/fault', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fault: '503', botId: lead.botId }),
    })
    expect(res.status).toBe(200)
    const failed = await putLead(platform(state))
    expect(failed.status).toBe(503)
    expect(failed.headers.get('retry-after')).toBe('2')
    expect(state.stats).toMatchObject({ put: 1, accepted: 0, bots: { [lead.botId]: 1 } })
    // Another state is another server: its bot is healthy.
    expect((await putLead(platform(createState({ db, token: TOKEN })))).status).toBe(200)
  })

  it('tell the state’s listeners of an accepted lead and a saved document', async () => {
    const state = createState({ db, token: TOKEN })
    const events: string[] = []
    state.listeners.add((e) => events.push(e))
    await putLead(platform(state))
    await demoApi(state).request(`/demo/api/config/${lead.botId}`, { method: 'DELETE' })
    expect(events).toEqual([`${lead.botId}/${lead.customerId}`, 'config'])
  })
})

describe('static files: the playground from its build', () => {
  let dist: string
  beforeEach(() => {
    dist = mkdtempSync(join(tmpdir(), 'reekolect-dist-'))
  })
  afterEach(() => {
    rmSync(dist, { recursive: true, force: true })
  })

  it('serves / and the preview page from dist/demo/, and their hashed assets for a year', async () => {
    mkdirSync(join(dist, 'demo/playground'), { recursive: true })
    mkdirSync(join(dist, 'demo/assets'))
    writeFileSync(join(dist, 'demo/index.html'), '<title>built playground</title>')
    writeFileSync(join(dist, 'demo/playground/preview.html'), '<title>built preview</title>')
    writeFileSync(join(dist, 'demo/assets/playground-abc123.js'), 'export {}')
    const app = staticFiles(createState({ db, dist }))

    const page = await app.request('/')
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(page.headers.get('cache-control')).toBe('no-cache')
    expect(await page.text()).toBe('<title>built playground</title>')
    expect(await (await app.request('/demo/playground/preview.html')).text()).toBe(
      '<title>built preview</title>',
    )
    const script = await app.request('/demo/assets/playground-abc123.js')
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect((await app.request('/demo/assets/missing.js')).status).toBe(404)
  })

  it('says to build when the playground is not built, and serves the fixtures of demo/ either way', async () => {
    const app = staticFiles(createState({ db, dist }))
    const page = await app.request('/')
    expect(page.status).toBe(404)
    expect(await page.text()).toBe('run npm run build first')
    expect((await app.request('/demo/playground/preview.html')).status).toBe(404)
    const fixture = await app.request('/demo/e2e/host.html')
    expect(fixture.status).toBe(200)
    expect(await fixture.text()).toBe(readFileSync('demo/e2e/host.html', 'utf8'))
  })
})
