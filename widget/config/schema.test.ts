import { describe, expect, it } from 'vitest'
import type { FlowNode } from '../core/flow'
import { type BotDocument, type ConfigIssue, parseConfig } from './schema'

/** A document using every node type and every settings group, with non-default values. */
const full = () => ({
  $schema: 'https://example.com/bot-config.schema.json',
  version: 1,
  start: 'main',
  flows: [
    {
      id: 'main',
      name: 'Main menu',
      nodes: [
        { id: 'hello', type: 'message', text: 'Hi **{name}**!' },
        { id: 'pic', type: 'image', src: 'https://cdn.example.com/team.png', alt: 'Our team' },
        {
          id: 'docs',
          type: 'link',
          text: 'Read the docs',
          label: 'Docs',
          url: 'https://example.com',
        },
        {
          id: 'mood',
          type: 'quick',
          text: 'How are you?',
          options: [
            { label: 'Good', value: 'good' },
            { label: 'Sales', flow: 'sales' },
          ],
          attribute: 'mood',
          tag: true,
        },
        {
          id: 'plans',
          type: 'cards',
          text: 'Our plans',
          cards: [
            {
              title: 'Pro',
              text: 'For teams',
              image: 'https://cdn.example.com/pro.png',
              alt: 'Pro plan',
              buttons: [
                { label: 'Pricing', url: 'https://example.com/pricing' },
                { label: 'Choose Pro', value: 'pro', next: 'company' },
              ],
            },
          ],
        },
        { id: 'menu', type: 'menu', text: 'Anything else?', flows: ['sales'] },
        {
          id: 'company',
          type: 'ask',
          input: 'text',
          text: 'Company?',
          attribute: 'company',
          skip: true,
          placeholder: 'Acme Ltd',
        },
        { id: 'size', type: 'ask', input: 'number', text: 'Team size?', min: 1, max: 5000 },
        {
          id: 'when',
          type: 'ask',
          input: 'date',
          text: 'When?',
          min: '2024-01-01',
          max: '2030-12-31',
        },
        {
          id: 'topics',
          type: 'ask',
          input: 'multi',
          text: 'Topics?',
          options: [{ label: 'A' }, { label: 'B' }],
          tag: true,
          min: 1,
          max: 2,
        },
        { id: 'stars', type: 'ask', input: 'rating', text: 'Rate us' },
        { id: 'tags', type: 'tag', add: ['web'], remove: ['cold'] },
        { id: 'attr', type: 'attribute', key: 'source', value: '{attributes.company}' },
        { id: 'status', type: 'status', status: 'INPROGRESS' },
        { id: 'note', type: 'note', title: 'Lead', description: '{name} wants a demo' },
        {
          id: 'route',
          type: 'branch',
          rules: [{ if: [{ field: 'attributes.size', op: 'gt', value: 100 }], next: 'hook' }],
          else: 'wa',
        },
        {
          id: 'hook',
          type: 'webhook',
          url: 'https://hooks.example.com/lead',
          map: { plan: 'data.plan' },
          timeout: 5000,
          onError: 'wa',
        },
        { id: 'wa', type: 'whatsapp', number: '447400123456', text: 'Ref {uuid}', label: 'Chat' },
        { id: 'person', type: 'handoff', team: 'support', message: 'One moment, {name}.' },
        { id: 'go', type: 'jump', flow: 'sales' },
      ],
    },
    {
      id: 'sales',
      nodes: [
        { id: 'sales-hi', type: 'message', text: 'Sales here.' },
        { id: 'back', type: 'jump', to: 'bye' },
        { id: 'bye', type: 'end', text: 'Bye!' },
      ],
    },
  ],
  settings: {
    design: {
      primaryColor: '#ffcc00',
      botName: 'Robo',
      avatar: 'https://cdn.example.com/robo.png',
      launcherIcon: 'help',
      position: 'left',
      offsetX: 8,
      offsetY: 16,
      zIndex: 1000,
      theme: 'auto',
      pacing: { enabled: false, min: 200, perChar: 10, max: 1000, total: 2000 },
    },
    general: { language: 'pt-BR', welcome: 'Welcome!' },
    alerts: { badge: false, sound: true, tabTitle: false },
    triggers: {
      afterSeconds: 30,
      scrollPercent: 50,
      exitIntent: true,
      include: ['/pricing*'],
      exclude: ['/admin/*'],
      oncePerSession: false,
      message: 'Questions about pricing?',
      action: 'open',
    },
    access: { showOn: ['/*'], hideOn: ['/checkout'], hideOnMobile: true },
    window: {
      title: 'Talk to us',
      subtitle: 'Fast replies',
      placeholder: 'Write here',
      width: 420,
      height: 700,
      fullScreenOnMobile: false,
      branding: false,
    },
    whatsapp: { number: '5511987654321', text: 'Hello {uuid}', button: true },
    email: { suggest: false, businessOnly: true },
    phone: { defaultCountry: 'BR' },
    hours: {
      timeZone: 'America/Sao_Paulo',
      weekly: [
        { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:30' },
        { days: ['sat'], from: '10:00', to: '24:00' },
      ],
      closed: ['2026-12-25', '2027-01-01'],
      message: 'We are away; leave us a message.',
    },
    csat: { enabled: false, question: 'Did {agent} help?' },
  },
  faq: {
    items: [
      {
        id: 'opening-hours',
        question: 'When are you open?',
        alternatives: ['what are your hours', 'are you open on sunday'],
        answer: 'We are open **9–17:30**, Monday to Saturday.',
      },
    ],
    fallback: 'none',
  },
})

/** A valid minimal document: one flow, one message. */
const minimal = () => ({
  version: 1,
  flows: [{ id: 'main', nodes: [{ id: 'a', type: 'message', text: 'Hi' }] }],
})

/** A minimal document whose only flow has `nodes`. */
const withNodes = (...nodes: unknown[]) => ({ version: 1, flows: [{ id: 'main', nodes }] })

/** The message of a malformed node or flow id. */
const idMessage = 'must be 1–64 letters, digits, "_" or "-", starting with a letter or digit'

const valid = (doc: unknown): BotDocument => {
  const r = parseConfig(doc)
  if ('issues' in r) throw new Error(`unexpected issues: ${JSON.stringify(r.issues)}`)
  return r.config
}

const issues = (doc: unknown): ConfigIssue[] => {
  const r = parseConfig(doc)
  if (!('issues' in r)) throw new Error('the document was accepted')
  return r.issues
}

describe('parseConfig: valid documents', () => {
  it('accepts a document with every node type and every settings group, keeping its values', () => {
    const doc = full()
    const config = valid(doc)
    const types = new Set(config.flows.flatMap((f) => f.nodes.map((n) => n.type)))
    const every: FlowNode['type'][] = [
      'message',
      'image',
      'link',
      'quick',
      'cards',
      'menu',
      'ask',
      'tag',
      'attribute',
      'status',
      'note',
      'jump',
      'branch',
      'webhook',
      'whatsapp',
      'handoff',
      'end',
    ]
    expect([...types].sort()).toEqual([...every].sort())
    // Nothing given is dropped or changed.
    expect(config).toEqual(doc)
  })

  it('fills every settings default for a document without settings', () => {
    const { settings } = valid(minimal())
    expect(settings.design).toEqual({
      primaryColor: '#4338ca',
      launcherIcon: 'bubble',
      position: 'right',
      offsetX: 20,
      offsetY: 20,
      zIndex: 2147483000,
      theme: 'light',
      pacing: { enabled: true, min: 400, perChar: 15, max: 1500, total: 2500 },
    })
    expect(settings.alerts).toEqual({ badge: true, sound: false, tabTitle: true })
    expect(settings.triggers).toEqual({
      exitIntent: false,
      include: [],
      exclude: [],
      oncePerSession: true,
      action: 'teaser',
    })
    expect(settings.access).toEqual({ showOn: [], hideOn: [], hideOnMobile: false })
    expect(settings.window).toMatchObject({
      width: 380,
      height: 600,
      fullScreenOnMobile: true,
      branding: true,
    })
    expect(settings.whatsapp).toEqual({ text: 'Hi! My chat reference is {uuid}', button: false })
    expect(settings.email).toEqual({ suggest: true, businessOnly: false })
    expect(settings.general).toEqual({})
    expect(settings.phone).toEqual({})
    // The conversation rating is asked unless turned off.
    expect(settings.csat).toEqual({ enabled: true })
    // No business hours unless the document sets them.
    expect(settings.hours).toBeUndefined()
    // No FAQ either.
    expect(valid(minimal()).faq).toBeUndefined()
  })

  it('takes the conversation rating off, or with its own question, and refuses an empty one', () => {
    const off = valid({ ...minimal(), settings: { csat: { enabled: false } } })
    expect(off.settings.csat).toEqual({ enabled: false })
    const asked = valid({ ...minimal(), settings: { csat: { question: 'Did {agent} help?' } } })
    expect(asked.settings.csat).toEqual({ enabled: true, question: 'Did {agent} help?' })
    const r = parseConfig({ ...minimal(), settings: { csat: { question: '' } } })
    expect('issues' in r && r.issues.map((i) => i.path)).toEqual(['settings.csat.question'])
    const typo = parseConfig({ ...minimal(), settings: { csat: { enable: false } } })
    expect('issues' in typo).toBe(true)
  })

  it('fills the defaults of a partly given settings group, keeping what was given', () => {
    const { settings } = valid({ ...minimal(), settings: { design: { position: 'left' } } })
    expect(settings.design.position).toBe('left')
    expect(settings.design.primaryColor).toBe('#4338ca')
    expect(settings.design.offsetX).toBe(20)
  })

  it('accepts a 3-digit colour, and http URLs for links, card buttons and webhooks', () => {
    const doc = {
      ...withNodes(
        { id: 'l', type: 'link', label: 'Go', url: 'http://example.com/docs' },
        {
          id: 'c',
          type: 'cards',
          cards: [{ title: 'T', buttons: [{ label: 'B', url: 'http://example.com/b' }] }],
        },
        { id: 'w', type: 'webhook', url: 'http://hooks.example.com/lead' },
      ),
      settings: { design: { primaryColor: '#fc0' } },
    }
    const config = valid(doc)
    expect(config.settings.design.primaryColor).toBe('#fc0')
    expect(config.flows[0]?.nodes).toEqual(doc.flows[0]?.nodes)
  })

  it('accepts ids of 1 to 64 characters starting with a letter or digit, then "_" and "-"', () => {
    const long = `a${'_'.repeat(63)}`
    const config = valid({
      version: 1,
      flows: [
        {
          id: '9to5',
          nodes: [
            { id: 'x', type: 'message', text: 'Hi', next: 'A-b_c' },
            { id: 'A-b_c', type: 'message', text: 'Hi', next: long },
            { id: long, type: 'end' },
          ],
        },
      ],
    })
    expect(config.flows[0]?.nodes.map((n) => n.id)).toEqual(['x', 'A-b_c', long])
  })
})

describe('parseConfig: errors with paths', () => {
  it('rejects a value of the wrong type at its exact path', () => {
    const r = issues(withNodes({ id: 'a', type: 'message', text: 5 }))
    expect(r).toEqual([{ path: 'flows.0.nodes.0.text', message: expect.stringMatching(/string/) }])
    expect(r[0]?.message).toMatch(/5/)
  })

  it('rejects a wrong settings type at its path', () => {
    const r = issues({ ...minimal(), settings: { alerts: { badge: 'yes' } } })
    expect(r).toEqual([
      { path: 'settings.alerts.badge', message: expect.stringMatching(/boolean/) },
    ])
  })

  it('rejects a teaser text over 300 characters and an unknown trigger action, at their paths', () => {
    const r = issues({
      ...minimal(),
      settings: { triggers: { message: 'x'.repeat(301), action: 'popup' } },
    })
    expect(r.map((i) => i.path)).toEqual(['settings.triggers.message', 'settings.triggers.action'])
    expect(r[0]?.message).toMatch(/300/)
    expect(r[1]?.message).toMatch(/"teaser" \| "open"/)
    const ok = parseConfig({ ...minimal(), settings: { triggers: { message: 'x'.repeat(300) } } })
    expect('config' in ok).toBe(true)
  })

  it('rejects an unknown key of a node, naming the key', () => {
    const r = issues(withNodes({ id: 'a', type: 'message', text: 'Hi', colour: 'red' }))
    expect(r).toEqual([
      { path: 'flows.0.nodes.0.colour', message: expect.stringMatching(/colour/) },
    ])
  })

  it('rejects an unknown key of a settings group and of the document', () => {
    expect(issues({ ...minimal(), settings: { design: { color: '#fff' } } })).toEqual([
      { path: 'settings.design.color', message: expect.stringMatching(/color/) },
    ])
    expect(issues({ ...minimal(), setting: {} })).toEqual([
      { path: 'setting', message: expect.stringMatching(/setting/) },
    ])
  })

  it('rejects a theme other than light, dark and auto, listing them', () => {
    const [issue, ...more] = issues({ ...minimal(), settings: { design: { theme: 'night' } } })
    expect(more).toEqual([])
    expect(issue?.path).toBe('settings.design.theme')
    for (const t of ['night', 'light', 'dark', 'auto']) expect(issue?.message).toContain(t)
    expect(
      valid({ ...minimal(), settings: { design: { theme: 'dark' } } }).settings.design.theme,
    ).toBe('dark')
  })

  it('rejects a pacing wait out of its range and an unknown pacing key, at their paths', () => {
    const paths = (pacing: unknown) =>
      issues({ ...minimal(), settings: { design: { pacing } } }).map((i) => i.path)
    expect(paths({ max: 3001 })).toEqual(['settings.design.pacing.max'])
    expect(paths({ min: -1, perChar: 1.5 })).toEqual([
      'settings.design.pacing.min',
      'settings.design.pacing.perChar',
    ])
    expect(paths({ speed: 2 })).toEqual(['settings.design.pacing.speed'])
    expect(
      valid({ ...minimal(), settings: { design: { pacing: { max: 0 } } } }).settings.design.pacing,
    ).toEqual({
      enabled: true,
      min: 400,
      perChar: 15,
      max: 0,
      total: 2500,
    })
  })

  it('rejects an unknown node type, listing the known ones', () => {
    const [issue] = issues(withNodes({ id: 'a', type: 'video' }))
    expect(issue?.path).toBe('flows.0.nodes.0.type')
    expect(issue?.message).toMatch(/video/)
    expect(issue?.message).toMatch(/message/)
  })

  it.each([
    ['javascript:', 'javascript:alert(1)'],
    ['data:', 'data:image/png;base64,AAAA'],
    ['ftp:', 'ftp://example.com/a.png'],
    ['http:', 'http://example.com/a.png'],
  ])('rejects an image URL with the %s scheme', (_, src) => {
    expect(issues(withNodes({ id: 'a', type: 'image', src, alt: 'A' }))).toEqual([
      { path: 'flows.0.nodes.0.src', message: 'must be an https URL' },
    ])
  })

  it('rejects an http image (mixed content on https pages) at its exact path, wherever it is', () => {
    const message = 'must be an https URL'
    const doc = {
      ...withNodes(
        { id: 'img', type: 'image', src: 'http://cdn.example.com/a.png', alt: 'A' },
        {
          id: 'c',
          type: 'cards',
          cards: [
            { title: 'Fine', image: 'https://cdn.example.com/ok.png' },
            { title: 'Mixed', image: 'http://cdn.example.com/c.png' },
          ],
        },
      ),
      settings: {
        design: {
          avatar: 'http://cdn.example.com/robo.png',
          launcherIcon: 'http://cdn.example.com/icon.png',
        },
      },
    }
    expect(issues(doc)).toEqual([
      { path: 'flows.0.nodes.0.src', message },
      { path: 'flows.0.nodes.1.cards.1.image', message },
      { path: 'settings.design.avatar', message },
      { path: 'settings.design.launcherIcon', message },
    ])
    // The same images over https are accepted.
    const https = JSON.parse(JSON.stringify(doc).replaceAll('http://', 'https://'))
    expect(valid(https).settings.design.launcherIcon).toBe('https://cdn.example.com/icon.png')
  })

  it('rejects unsafe URLs in links, cards, webhooks and settings, each at its path', () => {
    const doc = {
      ...withNodes(
        { id: 'l', type: 'link', label: 'Go', url: 'javascript:alert(1)' },
        {
          id: 'c',
          type: 'cards',
          cards: [{ title: 'T', buttons: [{ label: 'B', url: 'javascript:void(0)' }] }],
        },
        { id: 'w', type: 'webhook', url: 'file:///etc/passwd' },
      ),
      settings: { design: { avatar: 'javascript:alert(1)' } },
    }
    const paths = issues(doc).map((i) => i.path)
    expect(paths).toEqual(
      expect.arrayContaining([
        'flows.0.nodes.0.url',
        'flows.0.nodes.1.cards.0.buttons.0.url',
        'flows.0.nodes.2.url',
        'settings.design.avatar',
      ]),
    )
  })

  it('rejects text that is not a URL at all', () => {
    expect(issues(withNodes({ id: 'a', type: 'image', src: 'team.png', alt: 'A' }))).toContainEqual(
      { path: 'flows.0.nodes.0.src', message: 'must be a URL' },
    )
  })

  it.each(['red', '#12345', '#ggg', 'rgb(0,0,0)', '4338ca'])('rejects the colour %s', (colour) => {
    expect(issues({ ...minimal(), settings: { design: { primaryColor: colour } } })).toEqual([
      { path: 'settings.design.primaryColor', message: 'must be a #rrggbb colour' },
    ])
  })

  it('rejects a missing required field, naming it', () => {
    expect(issues(withNodes({ id: 'a', type: 'image', src: 'https://example.com/a.png' }))).toEqual(
      [{ path: 'flows.0.nodes.0.alt', message: expect.stringMatching(/alt/) }],
    )
    expect(issues({ flows: minimal().flows })).toEqual([
      { path: 'version', message: expect.stringMatching(/version/) },
    ])
  })

  it('rejects an unsupported version and a document without flows', () => {
    const r = issues({ version: 2, flows: [] })
    expect(r.map((i) => i.path)).toEqual(['version', 'flows'])
  })

  it('rejects something that is not a document at the root', () => {
    for (const doc of ['hello', null, 42]) {
      const r = issues(doc)
      expect(r).toHaveLength(1)
      expect(r[0]?.path).toBe('')
      expect(r[0]?.message).toMatch(/Object/)
    }
  })

  it('rejects malformed ids, empty texts, bad bounds and out-of-range numbers', () => {
    const doc = {
      version: 1,
      flows: [
        {
          id: 'bad id!',
          nodes: [
            { id: 'a', type: 'message', text: '' },
            { id: 'b', type: 'ask', input: 'date', text: 'When?', min: '2024-13-01' },
            { id: 'c', type: 'webhook', url: 'https://example.com', timeout: 50 },
          ],
        },
      ],
    }
    expect(issues(doc)).toEqual([
      { path: 'flows.0.id', message: idMessage },
      { path: 'flows.0.nodes.0.text', message: 'must not be empty' },
      { path: 'flows.0.nodes.1.min', message: 'must be a YYYY-MM-DD date' },
      { path: 'flows.0.nodes.2.timeout', message: expect.stringMatching(/100/) },
    ])
  })

  it.each([
    ['"_" (reserved: _welcome is the welcome message)', '_welcome'],
    ['"-"', '-intro'],
  ])('rejects a node id and a flow id starting with %s', (_, bad) => {
    expect(issues(withNodes({ id: bad, type: 'message', text: 'Hi' }))).toEqual([
      { path: 'flows.0.nodes.0.id', message: idMessage },
    ])
    expect(
      issues({
        version: 1,
        flows: [{ id: bad, nodes: [{ id: 'a', type: 'message', text: 'Hi' }] }],
      }),
    ).toEqual([{ path: 'flows.0.id', message: idMessage }])
  })

  it('rejects an empty id and one over 64 characters', () => {
    for (const bad of ['', `a${'b'.repeat(64)}`]) {
      expect(issues(withNodes({ id: bad, type: 'message', text: 'Hi' }))).toEqual([
        { path: 'flows.0.nodes.0.id', message: idMessage },
      ])
    }
  })

  it('rejects a WhatsApp number written with "+", in the settings and in a node', () => {
    const message = 'must be 6–15 digits, international, without "+"'
    expect(issues({ ...minimal(), settings: { whatsapp: { number: '+447400123456' } } })).toEqual([
      { path: 'settings.whatsapp.number', message },
    ])
    expect(issues(withNodes({ id: 'h', type: 'handoff', team: '' }))).toEqual([
      { path: expect.stringMatching(/\.team$/), message: 'must not be empty' },
    ])
    expect(issues(withNodes({ id: 'h', type: 'handoff', queue: 'x' }))).toHaveLength(1)
    expect(issues(withNodes({ id: 'w', type: 'whatsapp', number: '+447400123456' }))).toEqual([
      { path: 'flows.0.nodes.0.number', message },
    ])
  })

  it('reports every problem of a document, not only the first', () => {
    const r = issues({
      version: 1,
      flows: [{ id: 'main', nodes: [{ id: 'a', type: 'message', text: 5 }] }],
      settings: { design: { primaryColor: 'red' } },
    })
    expect(r.map((i) => i.path)).toEqual(['flows.0.nodes.0.text', 'settings.design.primaryColor'])
  })
})

describe('parseConfig: business hours', () => {
  const withHours = (hours: unknown) => ({ ...minimal(), settings: { hours } })
  const week = (from: string, to: string) => [{ days: ['mon'], from, to }]

  it('accepts hours without dates closed or a message, and a week with no ranges', () => {
    const hours = { timeZone: 'Asia/Kolkata', weekly: week('00:00', '24:00') }
    expect(valid(withHours(hours)).settings.hours).toEqual({ ...hours, closed: [] })
    expect(valid(withHours({ timeZone: 'UTC', weekly: [] })).settings.hours?.weekly).toEqual([])
  })

  it.each(['Europe/Londres', 'GMT+25', 'London', ''])('rejects the time zone "%s"', (zone) => {
    expect(issues(withHours({ timeZone: zone, weekly: [] }))).toEqual([
      {
        path: 'settings.hours.timeZone',
        message: 'must be an IANA time zone such as "Europe/London"',
      },
    ])
  })

  it('rejects a range that ends when or before it starts, at its "to"', () => {
    for (const [from, to] of [
      ['17:30', '09:00'],
      ['09:00', '09:00'],
    ]) {
      expect(
        issues(withHours({ timeZone: 'UTC', weekly: week(from as string, to as string) })),
      ).toEqual([
        {
          path: 'settings.hours.weekly.0.to',
          message: 'must be later than "from" (a range cannot cross midnight: split it in two)',
        },
      ])
    }
  })

  it.each([
    ['from', '9:00', '17:00'],
    ['from', '24:00', '24:00'],
    ['to', '09:00', '24:01'],
    ['to', '09:00', '17:60'],
    ['to', '09:00', '5pm'],
  ])('rejects a malformed %s time (%s–%s)', (key, from, to) => {
    const r = issues(withHours({ timeZone: 'UTC', weekly: week(from, to) }))
    expect(r[0]?.path).toBe(`settings.hours.weekly.0.${key}`)
    expect(r[0]?.message).toMatch(/^must be a 24-hour time "HH:MM"/)
  })

  it('rejects a range without days, an unknown day and a date closed that is not YYYY-MM-DD', () => {
    expect(
      issues(
        withHours({
          timeZone: 'UTC',
          weekly: [
            { days: [], from: '09:00', to: '17:00' },
            { days: ['monday'], from: '09:00', to: '17:00' },
          ],
          closed: ['25/12/2026'],
        }),
      ).map((i) => i.path),
    ).toEqual([
      'settings.hours.weekly.0.days',
      'settings.hours.weekly.1.days.0',
      'settings.hours.closed.0',
    ])
  })
})

describe('parseConfig: references', () => {
  const two = (main: unknown[], other: unknown[] = [{ id: 'o1', type: 'message', text: 'O' }]) => ({
    version: 1,
    flows: [
      { id: 'main', nodes: main },
      { id: 'other', nodes: other },
    ],
  })

  it('accepts references to nodes of other flows and to flows', () => {
    valid(
      two([
        { id: 'a', type: 'message', text: 'A', next: 'o1' },
        { id: 'b', type: 'jump', flow: 'other' },
      ]),
    )
  })

  it('rejects an unknown next', () => {
    expect(issues(two([{ id: 'a', type: 'message', text: 'A', next: 'nowhere' }]))).toEqual([
      { path: 'flows.0.nodes.0.next', message: 'unknown node "nowhere"' },
    ])
  })

  it('rejects a split path to an unknown node, and a split with one path', () => {
    const split = (paths: unknown[]) =>
      two([
        { id: 's', type: 'split', paths },
        { id: 'a', type: 'end' },
      ])
    valid(split([{ next: 'a' }, { next: 'a', weight: 3 }]))
    expect(issues(split([{ next: 'a' }, { next: 'nowhere' }]))).toEqual([
      { path: 'flows.0.nodes.0.paths.1.next', message: 'unknown node "nowhere"' },
    ])
    expect(issues(split([{ next: 'a' }]))[0]?.path).toBe('flows.0.nodes.0.paths')
  })

  it('rejects an unknown start flow', () => {
    expect(issues({ ...minimal(), start: 'sales' })).toEqual([
      { path: 'start', message: 'unknown flow "sales"' },
    ])
  })

  it('rejects unknown jump targets: to a node and to a flow', () => {
    expect(issues(two([{ id: 'j', type: 'jump', to: 'nowhere' }]))).toEqual([
      { path: 'flows.0.nodes.0.to', message: 'unknown node "nowhere"' },
    ])
    expect(issues(two([{ id: 'j', type: 'jump', flow: 'nowhere' }]))).toEqual([
      { path: 'flows.0.nodes.0.flow', message: 'unknown flow "nowhere"' },
    ])
  })

  it('rejects a jump with both "to" and "flow", and one with neither', () => {
    const message = 'a jump needs exactly one of "to" and "flow"'
    expect(issues(two([{ id: 'j', type: 'jump', to: 'o1', flow: 'other' }]))).toEqual([
      { path: 'flows.0.nodes.0', message },
    ])
    expect(
      issues(
        two([
          { id: 'a', type: 'message', text: 'A' },
          { id: 'j', type: 'jump' },
        ]),
      ),
    ).toEqual([{ path: 'flows.0.nodes.1', message }])
  })

  it('rejects unknown next and flow of reply options, quick replies and card buttons', () => {
    const r = issues(
      two([
        {
          id: 'q',
          type: 'ask',
          input: 'choice',
          text: 'Q?',
          options: [{ label: 'x', next: 'nope' }],
        },
        { id: 'qr', type: 'quick', text: 'QR', options: [{ label: 'y', flow: 'nope' }] },
        {
          id: 'c',
          type: 'cards',
          cards: [{ title: 'T' }, { title: 'U', buttons: [{ label: 'z', next: 'gone' }] }],
        },
      ]),
    )
    expect(r).toEqual([
      { path: 'flows.0.nodes.0.options.0.next', message: 'unknown node "nope"' },
      { path: 'flows.0.nodes.1.options.0.flow', message: 'unknown flow "nope"' },
      { path: 'flows.0.nodes.2.cards.1.buttons.0.next', message: 'unknown node "gone"' },
    ])
  })

  it('rejects unknown branch targets: a rule and else', () => {
    const r = issues(
      two([
        {
          id: 'b',
          type: 'branch',
          rules: [
            { if: [{ field: 'name', op: 'exists' }], next: 'o1' },
            { if: [{ field: 'tags', op: 'contains', value: 'vip' }], next: 'vip' },
          ],
          else: 'elsewhere',
        },
      ]),
    )
    expect(r).toEqual([
      { path: 'flows.0.nodes.0.rules.1.next', message: 'unknown node "vip"' },
      { path: 'flows.0.nodes.0.else', message: 'unknown node "elsewhere"' },
    ])
  })

  it('rejects an unknown onError of a webhook and an unknown menu flow', () => {
    const r = issues(
      two([
        { id: 'w', type: 'webhook', url: 'https://example.com/hook', onError: 'oops' },
        { id: 'm', type: 'menu', text: 'Menu', flows: ['other', 'missing'] },
      ]),
    )
    expect(r).toEqual([
      { path: 'flows.0.nodes.0.onError', message: 'unknown node "oops"' },
      { path: 'flows.0.nodes.1.flows.1', message: 'unknown flow "missing"' },
    ])
  })

  it('rejects a condition on something that is not a lead field', () => {
    const r = issues(
      two([
        {
          id: 'b',
          type: 'branch',
          rules: [{ if: [{ field: 'password', op: 'exists' }], next: 'o1' }],
        },
      ]),
    )
    expect(r).toEqual([
      {
        path: 'flows.0.nodes.0.rules.0.if.0.field',
        message: 'must be a lead field or attributes.<key>',
      },
    ])
  })

  it('rejects a node id used twice, across flows, at the second use', () => {
    expect(
      issues(two([{ id: 'a', type: 'message', text: 'A' }], [{ id: 'a', type: 'end' }])),
    ).toEqual([{ path: 'flows.1.nodes.0.id', message: 'duplicate node id "a"' }])
    expect(
      issues(
        two([
          { id: 'a', type: 'message', text: 'A' },
          { id: 'a', type: 'message', text: 'again' },
        ]),
      ),
    ).toEqual([{ path: 'flows.0.nodes.1.id', message: 'duplicate node id "a"' }])
  })

  it.each(['choice', 'multi'])('rejects a %s question without options', (input) => {
    expect(issues(withNodes({ id: 'q', type: 'ask', input, text: 'Which?' }))).toEqual([
      { path: 'flows.0.nodes.0.options', message: `a ${input} question needs options` },
    ])
  })

  it('rejects a choice question with an empty options list', () => {
    const [issue] = issues(
      withNodes({ id: 'q', type: 'ask', input: 'choice', text: 'Q', options: [] }),
    )
    expect(issue?.path).toBe('flows.0.nodes.0.options')
  })
})

describe('parseConfig: FAQ', () => {
  const item = (id: string, more: Record<string, unknown> = {}) => ({
    id,
    question: `Question ${id}?`,
    answer: `Answer ${id}.`,
    ...more,
  })
  const withFaq = (faq: unknown) => ({ ...minimal(), faq })

  it('fills the defaults: a hand-off as the fallback, no alternatives', () => {
    const { faq } = valid(withFaq({ items: [item('a')] }))
    expect(faq).toEqual({
      items: [{ id: 'a', question: 'Question a?', answer: 'Answer a.', alternatives: [] }],
      fallback: 'handoff',
    })
    expect(valid(withFaq({ items: [] })).faq?.items).toEqual([])
  })

  it('rejects an id used twice, at the later entry, each time', () => {
    expect(
      issues(withFaq({ items: [item('a'), item('b'), item('c'), item('a'), item('b')] })),
    ).toEqual([
      { path: 'faq.items.3.id', message: 'duplicate FAQ id "a"' },
      { path: 'faq.items.4.id', message: 'duplicate FAQ id "b"' },
    ])
  })

  it('rejects an empty or blank answer, question and alternative at their paths', () => {
    expect(
      issues(
        withFaq({
          items: [
            item('a', { answer: '' }),
            item('b', { answer: ' \n ' }),
            item('c', { question: '' }),
            item('d', { alternatives: ['fine', '  '] }),
          ],
        }),
      ),
    ).toEqual([
      { path: 'faq.items.0.answer', message: 'must not be empty' },
      { path: 'faq.items.1.answer', message: 'must not be empty' },
      { path: 'faq.items.2.question', message: 'must not be empty' },
      { path: 'faq.items.3.alternatives.1', message: 'must not be empty' },
    ])
  })

  it('rejects a missing answer, a malformed id, an unknown fallback and an unknown key', () => {
    const r = issues(
      withFaq({
        items: [{ id: 'a', question: 'Q?' }, item('bad id'), item('c', { score: 1 })],
        fallback: 'email',
      }),
    )
    expect(r).toEqual([
      { path: 'faq.items.0.answer', message: expect.stringMatching(/answer/) },
      { path: 'faq.items.1.id', message: idMessage },
      { path: 'faq.items.2.score', message: expect.stringMatching(/score/) },
      { path: 'faq.fallback', message: expect.stringMatching(/handoff/) },
    ])
    // A bare list of entries, without the {items} around it, and an FAQ without items.
    expect(issues(withFaq([item('a')]))[0]?.path).toBe('faq.items')
    expect(issues(withFaq({ fallback: 'none' }))[0]?.path).toBe('faq.items')
  })
})

describe('parseConfig: AI answer endpoint', () => {
  const withAi = (ai: unknown) => ({ ...minimal(), ai })

  it('takes an http(s) URL and fills the 15 s timeout', () => {
    expect(valid(withAi({ url: 'https://ai.example/answer' })).ai).toEqual({
      url: 'https://ai.example/answer',
      timeout: 15000,
    })
    expect(valid(withAi({ url: 'http://localhost:8080/ai', timeout: 2000 })).ai?.timeout).toBe(2000)
    expect(valid(minimal()).ai).toBeUndefined()
  })

  it('rejects a relative or non-http URL, a timeout out of range and an unknown key, at their paths', () => {
    expect(issues(withAi({ url: '/demo/ai' }))[0]?.path).toBe('ai.url')
    expect(issues(withAi({ url: 'javascript:alert(1)' }))[0]?.path).toBe('ai.url')
    expect(issues(withAi({ url: 'https://ai.example', timeout: 999 }))[0]?.path).toBe('ai.timeout')
    expect(issues(withAi({ url: 'https://ai.example', timeout: 60001 }))[0]?.path).toBe(
      'ai.timeout',
    )
    expect(issues(withAi({ url: 'https://ai.example', model: 'x' }))[0]?.path).toBe('ai.model')
    expect(issues(withAi({}))[0]?.path).toBe('ai.url')
  })
})

describe('parseConfig: language maps', () => {
  const say = (text: unknown) => withNodes({ id: 'a', type: 'message', text })

  it('accepts a language map wherever a visitor reads text, keeping its entries', () => {
    const map = { en: 'Hello', fr: 'Bonjour', 'pt-BR': 'Olá', 'zh-Hant-TW': '你好' }
    expect(valid(say(map)).flows[0]?.nodes[0]).toEqual({ id: 'a', type: 'message', text: map })
    const doc = valid({
      ...withNodes({
        id: 'q',
        type: 'ask',
        input: 'choice',
        text: { en: 'Room?', fr: 'Chambre ?' },
        placeholder: { en: 'Pick one', fr: 'Choisissez' },
        options: [{ label: { en: 'Single', fr: 'Simple' } }],
      }),
      defaultLocale: 'fr',
      settings: {
        design: { botName: { en: 'Hotel', fr: 'Hôtel' } },
        general: { welcome: { en: 'Hi', fr: 'Salut' } },
        window: { title: { fr: 'Aide' }, subtitle: { en: 'Help' }, placeholder: { en: 'Ask' } },
        triggers: { message: { en: 'Questions?', fr: 'Des questions ?' } },
        hours: { timeZone: 'UTC', weekly: [], message: { en: 'Closed', fr: 'Fermé' } },
      },
      faq: {
        items: [
          {
            id: 'a',
            question: { en: 'Hours?', fr: 'Horaires ?' },
            alternatives: { en: ['When?'], fr: ['Quand ?'] },
            answer: { en: '9–5', fr: '9 h–17 h' },
          },
          { id: 'b', lang: 'es', question: '¿Horario?', answer: '9–17' },
        ],
      },
    })
    expect(doc.defaultLocale).toBe('fr')
    expect(doc.settings.window.title).toEqual({ fr: 'Aide' })
    expect(doc.faq?.items.map((i) => i.lang)).toEqual([undefined, 'es'])
  })

  it('rejects a map with an invalid or unknown language tag, at the tag’s path', () => {
    expect(issues(say({ en: 'Hello', 'fr-': 'Bonjour' }))).toEqual([
      { path: 'flows.0.nodes.0.text.fr-', message: expect.stringMatching(/BCP 47/) },
    ])
    expect(issues(say({ english: 'Hello' }))[0]?.path).toBe('flows.0.nodes.0.text.english')
    expect(issues(say({ xx: 'Hello' }))).toEqual([
      {
        path: 'flows.0.nodes.0.text.xx',
        message: expect.stringMatching(/"xx" is not a known language/),
      },
    ])
    // Well-formed by the pattern, but no valid BCP 47 (a variant twice).
    expect(issues(say({ 'de-1901-1901': 'Hallo' }))[0]?.path).toBe(
      'flows.0.nodes.0.text.de-1901-1901',
    )
  })

  it('rejects an empty map, an empty entry and a language named twice, at their paths', () => {
    expect(issues(say({}))).toEqual([
      { path: 'flows.0.nodes.0.text', message: expect.stringMatching(/at least one language/) },
    ])
    expect(issues(say({ en: 'Hello', fr: '' }))).toEqual([
      { path: 'flows.0.nodes.0.text.fr', message: 'must not be empty' },
    ])
    expect(issues(say({ fr: 'Bonjour', FR: 'Salut' }))).toEqual([
      { path: 'flows.0.nodes.0.text', message: expect.stringMatching(/twice/) },
    ])
    expect(
      issues({ ...minimal(), settings: { window: { title: { en: 'x'.repeat(61) } } } }),
    ).toEqual([{ path: 'settings.window.title.en', message: expect.stringMatching(/60/) }])
  })

  it('rejects maps where no visitor reads text, and a list where a map or a string is due', () => {
    const tagged = issues(withNodes({ id: 't', type: 'tag', add: [{ en: 'vip' }] }))
    expect(tagged[0]?.path).toBe('flows.0.nodes.0.add.0')
    expect(issues(say(['Hello']))).toEqual([
      {
        path: 'flows.0.nodes.0.text',
        message: expect.stringMatching(/a string, or a language map/),
      },
    ])
    const faq = (alternatives: unknown) => ({
      ...minimal(),
      faq: { items: [{ id: 'a', question: 'Q?', answer: 'A.', alternatives }] },
    })
    expect(issues(faq({ en: ['ok', ' '] }))).toEqual([
      { path: 'faq.items.0.alternatives.en.1', message: 'must not be empty' },
    ])
    expect(issues(faq('one'))[0]?.message).toMatch(/a list of strings, or a language map/)
  })

  it('checks defaultLocale and an FAQ entry’s lang as language tags', () => {
    expect(issues({ ...minimal(), defaultLocale: 'french' })[0]?.path).toBe('defaultLocale')
    const r = issues({
      ...minimal(),
      faq: { items: [{ id: 'a', lang: 'zz', question: 'Q?', answer: 'A.' }] },
    })
    expect(r).toEqual([{ path: 'faq.items.0.lang', message: expect.stringMatching(/"zz"/) }])
  })

  it('takes one FAQ id once per language, and an entry without lang as every language', () => {
    const faq = (...items: Record<string, string>[]) => ({
      ...minimal(),
      faq: { items: items.map((i) => ({ question: 'Q?', answer: 'A.', ...i })) },
    })
    expect('config' in parseConfig(faq({ id: 'a', lang: 'en' }, { id: 'a', lang: 'fr' }))).toBe(
      true,
    )
    expect(issues(faq({ id: 'a', lang: 'fr' }, { id: 'a', lang: 'FR' }))).toEqual([
      { path: 'faq.items.1.id', message: 'duplicate FAQ id "a" in "FR"' },
    ])
    expect(issues(faq({ id: 'a' }, { id: 'a', lang: 'fr' }))[0]?.path).toBe('faq.items.1.id')
    expect(issues(faq({ id: 'a', lang: 'fr' }, { id: 'a' }))[0]?.path).toBe('faq.items.1.id')
  })
})
