/**
 * Live chat through faults, on the built bundle: a visitor talking with an agent
 * loses the network five times (messages on both sides while it is down) and the
 * demo server is killed and started again once (same port, same database). Nothing
 * is lost, nothing is shown or stored twice, the order holds; the visitor is told
 * "Reconnecting…" and never sees an error; a reload and a second page of the site
 * keep the live conversation, and there, with the chat closed, an agent's reply
 * raises the unread badge.
 *
 * This spec starts its own demo server (ports 4673–4679, one per parallel worker),
 * so killing it disturbs no other spec.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type APIRequestContext, expect, type Page, request, test } from '@playwright/test'
import {
  ADA,
  bubble,
  chat,
  completeFlow,
  conversation,
  hostUrl,
  launcher,
  lines,
  seenLines,
  TEXT,
  TOKEN,
  transcript,
  uniqueIds,
  uuidOf,
  watchErrors,
} from './helpers'

/**
 * The demo server of this spec, with the environment playwright.config.ts gives
 * the shared one: `node --import tsx demo/server.ts` (what `npx tsx` runs, in one
 * process, so killing it by its id kills the server) and a database of its own.
 */
function demoServer(port: number) {
  const db = join(tmpdir(), `reekolect-live-faults-${process.pid}-${port}-${Date.now()}.db`)
  const base = `http://127.0.0.1:${port}`
  let proc: ChildProcess | undefined
  return {
    base,
    /** Starts it and resolves once it answers. */
    async start() {
      proc = spawn(process.execPath, ['--import', 'tsx', 'demo/server.ts'], {
        env: { ...process.env, PORT: String(port), REEKOLECT_DB: db, REEKOLECT_TOKEN: TOKEN },
        stdio: 'ignore',
      })
      await expect
        .poll(
          () =>
            fetch(`${base}/demo/api/fault`).then(
              (r) => r.status,
              () => 0,
            ),
          { timeout: 20_000, intervals: [100] },
        )
        .toBe(200)
    },
    /** Kills it as a crash would (SIGKILL: no shutdown of its streams) and waits until it is gone. */
    async kill() {
      const p = proc
      proc = undefined
      if (!p || p.exitCode !== null) return
      const gone = once(p, 'exit')
      p.kill('SIGKILL')
      await gone
    },
    /** Kills it and removes its database. */
    async dispose() {
      await this.kill()
      for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true })
    },
  }
}

test('network drops and a server restart during a live chat: nothing lost or doubled, order kept, the visitor told', async ({
  page,
  context,
}) => {
  test.setTimeout(60_000)
  const server = demoServer(4673 + (test.info().parallelIndex % 7))
  const ids = uniqueIds('live-faults')
  let api: APIRequestContext | undefined
  try {
    await server.start()
    api = await request.newContext({ baseURL: server.base })
    const inbox = api
    const errors = watchErrors(page)
    /** Agents are online for this bot (the demo's override; a restart forgets it). */
    const online = async () => {
      const res = await inbox.post('/demo/api/agents', {
        data: { online: true, botId: ids.bot, agents: [{ id: 'sam', name: 'Sam' }] },
      })
      expect(res.status()).toBe(200)
    }
    let uuid = ''
    /** Sam replies through the inbox (`POST /inbox/direct/reply`). */
    const reply = async (text: string) => {
      const res = await inbox.post('/inbox/direct/reply', {
        headers: { 'x-bot-token': TOKEN },
        data: {
          botId: ids.bot,
          customerId: ids.customer,
          uuid,
          text,
          agent: { id: 'sam', name: 'Sam' },
        },
      })
      expect(res.status()).toBe(200)
    }
    const box = (p: Page) => chat(p).getByRole('textbox', { name: 'Your message' })
    /** The visitor writes in the live composer; the message shows at once. */
    const say = async (text: string) => {
      await box(page).fill(text)
      await box(page).press('Enter')
      await expect.poll(() => bubble(page, -1)).toBe(`You: ${text}`)
    }
    const line = (p: Page, text: string) => chat(p).getByRole('status').filter({ hasText: text })
    const reconnecting = line(page, 'Reconnecting…')
    const talking = line(page, 'You’re talking to Sam')
    const stored = async () => lines(await conversation(inbox, ids, uuid))

    // The visitor hands off; Sam answers; the visitor answers him.
    await online()
    await page.goto(server.base + hostUrl(ids))
    await launcher(page).click()
    await completeFlow(page, ADA)
    await chat(page).getByRole('button', { name: TEXT.talk }).click()
    await expect(line(page, 'Waiting for a person to join…')).toBeVisible()
    /** What the visitor said in the built-in flow, as the chat shows it, ending with the choice. */
    const answers = (await seenLines(page)).filter((l) => l.startsWith('visitor: '))
    expect(answers.at(-1)).toBe(`visitor: ${TEXT.talk}`)
    uuid = (await uuidOf(page)) as string
    await expect.poll(async () => (await stored()).at(-1)).toBe(`bot: ${TEXT.handoff}`)
    await reply('Hi, Sam here. How can I help?')
    await expect.poll(() => bubble(page, -1)).toBe('Sam: Hi, Sam here. How can I help?')
    await expect(talking).toBeVisible()
    await say('My parcel has not arrived.')
    await expect
      .poll(async () => (await stored()).at(-1))
      .toBe('visitor: My parcel has not arrived.')

    /** The messages of each round, both sides: each round's come after the round before's. */
    const rounds: string[][] = []
    // Five network drops, with a message on each side while it is down.
    for (let i = 1; i <= 5; i++) {
      await context.setOffline(true)
      await expect(reconnecting).toBeVisible()
      await reply(`Agent, while the visitor is offline (${i})`)
      await say(`Visitor, offline (${i})`)
      await context.setOffline(false)
      await expect(talking).toBeVisible()
      await expect(transcript(page)).toContainText(`Agent, while the visitor is offline (${i})`)
      await expect
        .poll(async () => (await stored()).includes(`visitor: Visitor, offline (${i})`))
        .toBe(true)
      rounds.push([
        `agent: Agent, while the visitor is offline (${i})`,
        `visitor: Visitor, offline (${i})`,
      ])
    }

    // The server crashes and comes back on the same port and database.
    await server.kill()
    await expect(reconnecting).toBeVisible()
    await say('Visitor, while the server is down')
    await server.start()
    await online()
    await expect(talking).toBeVisible({ timeout: 20_000 })
    await expect
      .poll(async () => (await stored()).includes('visitor: Visitor, while the server is down'))
      .toBe(true)
    await reply('Agent, after the restart')
    await expect.poll(() => bubble(page, -1)).toBe('Sam: Agent, after the restart')
    rounds.push(['visitor: Visitor, while the server is down', 'agent: Agent, after the restart'])

    // Nothing lost, nothing twice, the order kept: in the inbox and on screen.
    const all = await conversation(inbox, ids, uuid)
    expect(new Set(all.map((m) => m.id)).size).toBe(all.length)
    const inInbox = lines(all)
    const onScreen = (await seenLines(page)).map((l) => l.replace(/^Sam: /, 'agent: '))
    const visitorSaid = [
      ...answers,
      'visitor: My parcel has not arrived.',
      ...[1, 2, 3, 4, 5].map((i) => `visitor: Visitor, offline (${i})`),
      'visitor: Visitor, while the server is down',
    ]
    const agentSaid = [
      'agent: Hi, Sam here. How can I help?',
      ...[1, 2, 3, 4, 5].map((i) => `agent: Agent, while the visitor is offline (${i})`),
      'agent: Agent, after the restart',
    ]
    for (const [where, list] of [
      ['inbox', inInbox],
      ['screen', onScreen],
    ] as const) {
      expect(
        list.filter((l) => l.startsWith('visitor: ')),
        where,
      ).toEqual(visitorSaid)
      expect(
        list.filter((l) => l.startsWith('agent: ')),
        where,
      ).toEqual(agentSaid)
      expect(new Set(list).size, `${where}: each line once`).toBe(list.length)
      for (let r = 1; r < rounds.length; r++) {
        const before = Math.max(...(rounds[r - 1] as string[]).map((l) => list.indexOf(l)))
        const after = Math.min(...(rounds[r] as string[]).map((l) => list.indexOf(l)))
        expect(before, `${where}: round ${r} before round ${r + 1}`).toBeLessThan(after)
      }
    }
    // The visitor sees the inbox's conversation, each side in its order (a message
    // written while cut off shows where it was written, not where the server put it).
    expect([...onScreen].sort()).toEqual([...inInbox].sort())

    // A reload keeps the live conversation, and the stream goes on.
    await page.reload()
    await expect(talking).toBeVisible()
    expect((await seenLines(page)).map((l) => l.replace(/^Sam: /, 'agent: '))).toEqual(onScreen)
    await reply('Agent, after the reload')
    await expect.poll(() => bubble(page, -1)).toBe('Sam: Agent, after the reload')

    // Another page of the site, the chat closed: the conversation goes on there, and
    // Sam's reply raises the unread badge.
    await chat(page).getByRole('button', { name: 'Close chat' }).click()
    await page.goto(server.base + hostUrl(ids, TOKEN, { page: 'second.html' }))
    await expect(launcher(page)).toBeVisible()
    await reply('Agent, on the second page')
    await expect(page.getByRole('button', { name: 'Open chat, 1 unread' })).toBeVisible()
    await page.getByRole('button', { name: 'Open chat, 1 unread' }).click()
    await expect.poll(() => bubble(page, -1)).toBe('Sam: Agent, on the second page')
    await expect(talking).toBeVisible()
    const final = await seenLines(page)
    expect(final.filter((l) => l === 'Sam: Agent, on the second page')).toHaveLength(1)
    expect(new Set(final).size).toBe(final.length)

    expect(errors.pageErrors).toEqual([])
    expect(errors.widget()).toEqual([])
  } finally {
    await api?.dispose()
    await server.dispose()
  }
})
