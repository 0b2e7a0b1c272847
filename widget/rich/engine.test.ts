import { describe, expect, it, vi } from 'vitest'
import {
  type Answer,
  type Condition,
  type Flow,
  type FlowNode,
  graph,
  type Step,
  type WaitNode,
  type WebhookNode,
} from '../core/flow'
import { emptyLead, type Lead } from '../core/lead'
import { createEngine, holds, pick, whatsappUrl } from './engine'

const ids = { uuid: '7e88d192-9b20-4035-9b68-d4ac3d58a34f', botId: 'bot1', customerId: 'cust1' }
const lead = (over: Partial<Lead> = {}): Lead => ({ ...emptyLead(), ...over })
const texts = (step: Step) => step.say.map((s) => s.text)

/** An engine over `flows` (first flow starts), with a fake `fetch` when given. */
function setup(flows: Flow[], fetchImpl?: typeof fetch) {
  const g = graph(flows)
  const engine = createEngine({
    graph: g,
    ids: () => ids,
    whatsappLabel: 'Continue on WhatsApp',
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  })
  const node = <T extends FlowNode = WaitNode>(id: string) => {
    const n = g.node.get(id)
    if (!n) throw new Error(`no node ${id}`)
    return n as T
  }
  return { g, engine, node, walk: (id: string | undefined, l = lead()) => engine.walk(g, id, l) }
}

/** One flow `f` made of `nodes`. */
const one = (...nodes: FlowNode[]): Flow[] => [{ id: 'f', nodes }]

describe('walk: Send Information', () => {
  it('fills {name}, {email} and {attributes.key} in messages; missing values become empty', () => {
    const { walk } = setup(
      one(
        { id: 'm1', type: 'message', text: 'Hi {name} from {attributes.company}!' },
        { id: 'm2', type: 'message', text: 'Mail: {email}; plan: {attributes.plan}; {other}' },
      ),
    )
    const l = lead({ name: 'Ada', attributes: [{ key: 'company', value: 'Acme' }] })
    expect(walk('m1', l).say).toEqual([
      { text: 'Hi Ada from Acme!' },
      { text: 'Mail: ; plan: ; {other}' },
    ])
  })

  it('shows an image with its alternative text and goes on', () => {
    const { walk } = setup(
      one(
        { id: 'img', type: 'image', src: 'https://cdn.example.com/a.png', alt: 'Our office' },
        { id: 'after', type: 'message', text: 'After' },
      ),
    )
    expect(walk('img').say).toEqual([
      { text: '', rich: { t: 'img', src: 'https://cdn.example.com/a.png', alt: 'Our office' } },
      { text: 'After' },
    ])
  })

  it('shows a link button with optional filled text', () => {
    const { walk } = setup(
      one(
        {
          id: 'l1',
          type: 'link',
          text: 'For you, {name}:',
          label: 'Docs',
          url: 'https://a.example',
        },
        { id: 'l2', type: 'link', label: 'Blog', url: 'https://b.example' },
      ),
    )
    expect(walk('l1', lead({ name: 'Ada' })).say).toEqual([
      { text: 'For you, Ada:', rich: { t: 'link', label: 'Docs', url: 'https://a.example' } },
      { text: '', rich: { t: 'link', label: 'Blog', url: 'https://b.example' } },
    ])
  })

  it('waits at quick replies, asking its filled text, and offers its options', () => {
    const options = [{ label: 'Yes' }, { label: 'No', next: 'no' }]
    const { walk, engine, g } = setup(
      one(
        { id: 'hi', type: 'message', text: 'Hello' },
        { id: 'q', type: 'quick', text: 'Ready, {name}?', options },
        { id: 'no', type: 'message', text: 'not reached' },
      ),
    )
    const step = walk('hi', lead({ name: 'Ada' }))
    expect(texts(step)).toEqual(['Hello', 'Ready, Ada?'])
    expect(step.ask?.id).toBe('q')
    expect(engine.choices(g, step.ask!)).toEqual(options)
  })

  it('shows cards and goes on when every button opens a URL', () => {
    const cards = [
      {
        title: 'Pro',
        text: 'For teams',
        buttons: [{ label: 'Pricing', url: 'https://example.com/pricing' }],
      },
      { title: 'Free' },
    ]
    const { walk } = setup(
      one(
        { id: 'c', type: 'cards', text: 'Plans for {name}', cards },
        { id: 'after', type: 'message', text: 'After' },
      ),
    )
    const step = walk('c', lead({ name: 'Ada' }))
    expect(step.say).toEqual([
      { text: 'Plans for Ada', rich: { t: 'cards', cards } },
      { text: 'After' },
    ])
    expect(step.ask).toBeUndefined()
  })

  it('waits at cards with a reply button, offering only the reply buttons', () => {
    const reply = { label: 'Choose Pro', value: 'pro', next: 'after' }
    const cards = [
      { title: 'Pro', buttons: [{ label: 'Pricing', url: 'https://example.com/p' }, reply] },
    ]
    const { walk, engine, g } = setup(
      one({ id: 'c', type: 'cards', cards }, { id: 'after', type: 'message', text: 'not yet' }),
    )
    const step = walk('c')
    expect(step.say).toEqual([{ text: '', rich: { t: 'cards', cards } }])
    expect(step.ask?.id).toBe('c')
    expect(engine.choices(g, step.ask!)).toEqual([reply])
  })

  it('waits at a menu offering every other flow by name (the id when unnamed)', () => {
    const flows: Flow[] = [
      { id: 'main', name: 'Main', nodes: [{ id: 'menu', type: 'menu', text: 'Pick one' }] },
      { id: 'sales', name: 'Talk to sales', nodes: [{ id: 's', type: 'end' }] },
      { id: 'support', nodes: [{ id: 'h', type: 'end' }] },
    ]
    const { walk, engine, g } = setup(flows)
    const step = walk('menu')
    expect(texts(step)).toEqual(['Pick one'])
    expect(step.ask?.id).toBe('menu')
    expect(engine.choices(g, step.ask!)).toEqual([
      { label: 'Talk to sales', flow: 'sales' },
      { label: 'support', flow: 'support' },
    ])
  })

  it("offers only a menu's listed flows, in the order listed", () => {
    const flows: Flow[] = [
      {
        id: 'main',
        nodes: [{ id: 'menu', type: 'menu', text: 'Pick', flows: ['c', 'main', 'b'] }],
      },
      { id: 'b', name: 'B', nodes: [{ id: 'b1', type: 'end' }] },
      { id: 'c', name: 'C', nodes: [{ id: 'c1', type: 'end' }] },
      { id: 'd', name: 'D', nodes: [{ id: 'd1', type: 'end' }] },
    ]
    const { engine, g, node } = setup(flows)
    // Neither the flows' order (main, b, c) nor the labels' (B, C, main): the menu's.
    expect(engine.choices(g, node('menu'))).toEqual([
      { label: 'C', flow: 'c' },
      { label: 'main', flow: 'main' },
      { label: 'B', flow: 'b' },
    ])
  })

  it('waits at a question, filling its text', () => {
    const { walk } = setup(
      one(
        { id: 'a', type: 'message', text: 'One question' },
        { id: 'q', type: 'ask', input: 'email', text: 'Email, {name}?' },
        { id: 'b', type: 'message', text: 'not reached' },
      ),
    )
    const step = walk('a', lead({ name: 'Ada' }))
    expect(texts(step)).toEqual(['One question', 'Email, Ada?'])
    expect(step.ask?.id).toBe('q')
  })

  it('offers the options of choice questions, none for typed ones', () => {
    const options = [{ label: 'A' }, { label: 'B' }]
    const { engine, g, node } = setup(
      one(
        { id: 'c', type: 'ask', input: 'choice', text: 'C?', options },
        { id: 'm', type: 'ask', input: 'multi', text: 'M?', options },
        { id: 't', type: 'ask', input: 'text', text: 'T?' },
      ),
    )
    expect(engine.choices(g, node('c'))).toEqual(options)
    // Multiple choice has its own input (checkboxes), not reply buttons.
    expect(engine.choices(g, node('m'))).toEqual([])
    expect(engine.choices(g, node('t'))).toEqual([])
  })
})

describe('walk: Trigger Actions', () => {
  it('adds and removes tags', () => {
    const { walk } = setup(one({ id: 't', type: 'tag', add: ['web', ' vip '], remove: ['cold'] }))
    expect(walk('t', lead({ tags: ['cold', 'web'] })).lead.tags).toEqual(['web', 'vip'])
  })

  it('sets an attribute with placeholders filled, replacing an earlier value', () => {
    const { walk } = setup(
      one({ id: 'a', type: 'attribute', key: 'greeting', value: 'Dear {name} of {attributes.co}' }),
    )
    const l = lead({
      name: 'Ada',
      attributes: [
        { key: 'co', value: 'Acme' },
        { key: 'greeting', value: 'old' },
      ],
    })
    expect(walk('a', l).lead.attributes).toEqual([
      { key: 'co', value: 'Acme' },
      { key: 'greeting', value: 'Dear Ada of Acme' },
    ])
  })

  it('sets the status', () => {
    const { walk } = setup(one({ id: 's', type: 'status', status: 'REVIEW' }))
    expect(walk('s').lead.status).toBe('REVIEW')
  })

  it('adds a note with placeholders filled, keeping earlier notes', () => {
    const { walk } = setup(
      one({ id: 'n', type: 'note', title: 'Lead {name}', description: 'Wants {attributes.plan}' }),
    )
    const l = lead({
      name: 'Ada',
      attributes: [{ key: 'plan', value: 'Pro' }],
      notes: [{ title: 'first', description: 'x' }],
    })
    expect(walk('n', l).lead.notes).toEqual([
      { title: 'first', description: 'x' },
      { title: 'Lead Ada', description: 'Wants Pro' },
    ])
  })

  it('jumps to a node, skipping the ones between', () => {
    const { walk } = setup(
      one(
        { id: 'j', type: 'jump', to: 'c' },
        { id: 'b', type: 'message', text: 'B' },
        { id: 'c', type: 'message', text: 'C' },
      ),
    )
    expect(texts(walk('j'))).toEqual(['C'])
  })

  it('jumps to the first node of another flow', () => {
    const { walk } = setup([
      {
        id: 'main',
        nodes: [
          { id: 'j', type: 'jump', flow: 'other' },
          { id: 'b', type: 'message', text: 'B' },
        ],
      },
      {
        id: 'other',
        nodes: [
          { id: 'o1', type: 'message', text: 'O1' },
          { id: 'o2', type: 'message', text: 'O2' },
        ],
      },
    ])
    expect(texts(walk('j'))).toEqual(['O1', 'O2'])
  })

  it('returns a webhook node to call, without going on', () => {
    const { walk, node } = setup(
      one(
        { id: 'a', type: 'message', text: 'Checking…' },
        { id: 'w', type: 'webhook', url: 'https://hooks.example.com/x' },
        { id: 'b', type: 'message', text: 'not yet' },
      ),
    )
    const step = walk('a')
    expect(texts(step)).toEqual(['Checking…'])
    expect(step.call).toBe(node('w'))
    expect(step.ask).toBeUndefined()
  })

  it('shows a WhatsApp button opening wa.me with the text and the visitor reference', () => {
    const { walk } = setup(
      one(
        {
          id: 'w',
          type: 'whatsapp',
          number: '447400123456',
          text: 'Hi, {name} here & ref {uuid}?',
        },
        { id: 'after', type: 'message', text: 'After' },
      ),
    )
    const step = walk('w', lead({ name: 'Ada' }))
    const [button, after] = step.say
    expect(after).toEqual({ text: 'After' })
    expect(button?.rich?.t).toBe('link')
    if (button?.rich?.t !== 'link') return
    expect(button.rich.label).toBe('Continue on WhatsApp')
    const url = new URL(button.rich.url)
    expect(url.origin).toBe('https://wa.me')
    expect(url.pathname).toBe('/447400123456')
    expect(url.searchParams.get('text')).toBe(`Hi, Ada here & ref ${ids.uuid}?`)
    // Encoded, not raw: "&" and "?" in the text do not break the query.
    expect(button.rich.url).toBe(
      `https://wa.me/447400123456?text=Hi%2C%20Ada%20here%20%26%20ref%20${ids.uuid}%3F`,
    )
  })

  it('uses the node label, and a default text carrying the visitor reference', () => {
    const { walk } = setup(one({ id: 'w', type: 'whatsapp', number: '5511987654321', label: 'WA' }))
    const rich = walk('w').say[0]?.rich
    if (rich?.t !== 'link') throw new Error('no link')
    expect(rich.label).toBe('WA')
    expect(new URL(rich.url).searchParams.get('text')).toContain(ids.uuid)
  })

  it('keeps only the digits of a WhatsApp number', () => {
    expect(whatsappUrl('+44 7400-123456', 'x', 'u', lead())).toBe(
      'https://wa.me/447400123456?text=x',
    )
  })

  it('ends, saying the end text, even when nodes follow', () => {
    const { walk } = setup(
      one(
        { id: 'a', type: 'message', text: 'A' },
        { id: 'end', type: 'end', text: 'Bye {name}' },
        { id: 'b', type: 'message', text: 'B' },
      ),
    )
    const step = walk('a', lead({ name: 'Ada' }))
    expect(texts(step)).toEqual(['A', 'Bye Ada'])
    expect(step.ask).toBeUndefined()
    expect(step.call).toBeUndefined()
  })

  it('ends silently at an end without text, at the last node and at an unknown id', () => {
    const { walk } = setup(
      one(
        { id: 'a', type: 'message', text: 'A' },
        { id: 'end', type: 'end' },
        { id: 'b', type: 'message', text: 'B', next: 'nowhere' },
      ),
    )
    expect(texts(walk('a'))).toEqual(['A'])
    expect(texts(walk('b'))).toEqual(['B'])
    expect(walk('nowhere').say).toEqual([])
    expect(walk(undefined).say).toEqual([])
  })

  it('terminates on a cycle without questions', () => {
    const { walk } = setup(
      one({ id: 'a', type: 'tag', add: ['x'] }, { id: 'b', type: 'jump', to: 'a' }),
    )
    const step = walk('a')
    expect(step.ask).toBeUndefined()
    expect(step.lead.tags).toEqual(['x'])
  })
})

describe('walk: handoff', () => {
  it('a configured bot hands off where the node is, after a branch, saying its message', () => {
    const { walk } = setup(
      one(
        {
          id: 'b',
          type: 'branch',
          rules: [{ if: [{ field: 'tags', op: 'contains', value: 'vip' }], next: 'h' }],
          else: 'bye',
        },
        { id: 'h', type: 'handoff', team: 'vip', message: 'A person will be right with you.' },
        { id: 'bye', type: 'end', text: 'Bye' },
      ),
    )
    const vip = walk('b', lead({ tags: ['vip'] }))
    expect(texts(vip)).toEqual(['A person will be right with you.'])
    expect(vip.handoff).toMatchObject({ id: 'h', team: 'vip' })
    const other = walk('b')
    expect(texts(other)).toEqual(['Bye'])
    expect(other.handoff).toBeUndefined()
  })
})

describe('walk: branch', () => {
  const flows = (rules: { if: Condition[]; next: string }[], otherwise?: string): Flow[] =>
    one(
      { id: 'b', type: 'branch', rules, ...(otherwise ? { else: otherwise } : {}) },
      { id: 'following', type: 'message', text: 'following' },
      { id: 'vip', type: 'message', text: 'vip', next: 'stop' },
      { id: 'big', type: 'message', text: 'big', next: 'stop' },
      { id: 'other', type: 'message', text: 'other', next: 'stop' },
      { id: 'stop', type: 'end' },
    )
  const vip: Condition = { field: 'tags', op: 'equals', value: 'vip' }
  const big: Condition = { field: 'attributes.size', op: 'gt', value: 100 }

  it('takes the first rule whose conditions all hold', () => {
    const { walk } = setup(
      flows([
        { if: [vip], next: 'vip' },
        { if: [big], next: 'big' },
      ]),
    )
    const both = lead({ tags: ['vip'], attributes: [{ key: 'size', value: '500' }] })
    expect(texts(walk('b', both))).toEqual(['vip'])
    const onlyBig = lead({ attributes: [{ key: 'size', value: '500' }] })
    expect(texts(walk('b', onlyBig))).toEqual(['big'])
  })

  it('needs every condition of a rule', () => {
    const { walk } = setup(flows([{ if: [vip, big], next: 'vip' }], 'other'))
    expect(texts(walk('b', lead({ tags: ['vip'] })))).toEqual(['other'])
    const both = lead({ tags: ['vip'], attributes: [{ key: 'size', value: '101' }] })
    expect(texts(walk('b', both))).toEqual(['vip'])
  })

  it('takes else when no rule holds', () => {
    const { walk } = setup(flows([{ if: [vip], next: 'vip' }], 'other'))
    expect(texts(walk('b'))).toEqual(['other'])
  })

  it('falls through to the following node without else', () => {
    const { walk } = setup(flows([{ if: [vip], next: 'vip' }]))
    expect(texts(walk('b'))).toEqual(['following', 'vip'])
  })

  it('decides on the lead as changed by the nodes before it', () => {
    const { walk } = setup([
      {
        id: 'f',
        nodes: [
          { id: 't', type: 'tag', add: ['vip'] },
          ...flows([{ if: [vip], next: 'vip' }], 'other')[0]!.nodes,
        ],
      },
    ])
    expect(texts(walk('t'))).toEqual(['vip'])
  })
})

describe('applyAnswer', () => {
  const options = [
    { label: 'Free', value: 'free' },
    { label: 'Sales', flow: 'sales' },
    { label: 'Later', next: 'later' },
  ]
  const flows: Flow[] = [
    {
      id: 'main',
      nodes: [
        { id: 'name', type: 'ask', input: 'name', text: 'Name?', skip: true },
        { id: 'email', type: 'ask', input: 'email', text: 'Email?' },
        { id: 'phone', type: 'ask', input: 'phone', text: 'Phone?' },
        {
          id: 'plan',
          type: 'ask',
          input: 'choice',
          text: 'Plan?',
          options,
          attribute: 'plan',
          tag: true,
          skip: true,
        },
        {
          id: 'topics',
          type: 'ask',
          input: 'multi',
          text: 'Topics?',
          options: [{ label: 'A', value: 'a' }, { label: 'B' }],
          attribute: 'topics',
          tag: true,
        },
        {
          id: 'mood',
          type: 'quick',
          text: 'Mood?',
          options: [{ label: 'Good', value: 'good' }],
          attribute: 'mood',
        },
        { id: 'q2', type: 'quick', text: 'Again?', options: [{ label: 'Yes' }] },
        { id: 'later', type: 'message', text: 'Later' },
      ],
    },
    {
      id: 'sales',
      nodes: [
        { id: 's1', type: 'message', text: 'Sales' },
        { id: 's2', type: 'end' },
      ],
    },
  ]
  const { engine, g, node } = setup(flows)
  const apply = (id: string, a: Answer, l = lead()) => engine.applyAnswer(g, node(id), a, l)
  const said = (value: string, extra: Partial<Answer> = {}): Answer => ({
    text: value,
    value,
    ...extra,
  })

  it('stores name, email and phone in the lead fields', () => {
    expect(apply('name', said('Ada'))).toEqual({ lead: lead({ name: 'Ada' }), next: 'email' })
    expect(apply('email', said('ada@example.com')).lead.email).toBe('ada@example.com')
    const phone = { phone: '7400123456', dialCode: '+44' }
    expect(apply('phone', said('+44 7400123456', { phone })).lead).toEqual(lead(phone))
  })

  it('stores nothing for a skipped answer and goes to the following node', () => {
    const before = lead({ name: 'Bo', tags: ['x'] })
    const skipped = { text: 'Skipped', value: '', skipped: true }
    expect(apply('name', skipped, before)).toEqual({ lead: before, next: 'email' })
    expect(apply('plan', skipped, before)).toEqual({ lead: before, next: 'topics' })
  })

  it('stores a choice as attribute and tag by its value', () => {
    const r = apply('plan', said('free', { text: 'Free', choice: options[0] }))
    expect(r.lead.attributes).toEqual([{ key: 'plan', value: 'free' }])
    expect(r.lead.tags).toEqual(['free'])
    expect(r.next).toBe('topics')
  })

  it("continues at a choice's next node", () => {
    expect(apply('plan', said('Later', { choice: options[2] })).next).toBe('later')
  })

  it("starts a choice's flow at its first node", () => {
    const r = apply('plan', said('Sales', { choice: options[1] }))
    expect(r.next).toBe('s1')
    expect(r.lead.tags).toEqual(['Sales'])
  })

  it('starts the flow of a menu button', () => {
    const menu: Flow[] = [
      { id: 'main', nodes: [{ id: 'm', type: 'menu', text: 'Menu' }] },
      { id: 'help', name: 'Help', nodes: [{ id: 'h1', type: 'message', text: 'Help' }] },
    ]
    const s = setup(menu)
    const [button] = s.engine.choices(s.g, s.node('m'))
    const r = s.engine.applyAnswer(s.g, s.node('m'), said('Help', { choice: button }), lead())
    expect(r).toEqual({ lead: lead(), next: 'h1' })
  })

  it('turns each value of a multiple choice into a tag, and all of them into the attribute', () => {
    const r = apply('topics', { text: 'A, B', value: 'a, B', values: ['a', 'B'] }, lead())
    expect(r.lead.tags).toEqual(['a', 'B'])
    expect(r.lead.attributes).toEqual([{ key: 'topics', value: 'a, B' }])
  })

  it('stores a quick reply only where the node says', () => {
    const good = said('good', { text: 'Good', choice: { label: 'Good', value: 'good' } })
    expect(apply('mood', good).lead).toEqual(lead({ attributes: [{ key: 'mood', value: 'good' }] }))
    const yes = said('Yes', { choice: { label: 'Yes' } })
    expect(apply('q2', yes)).toEqual({ lead: lead(), next: 'later' })
  })
})

describe('holds', () => {
  const l = lead({
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    dialCode: '+44',
    status: 'OPEN',
    tags: ['VIP', 'newsletter'],
    attributes: [
      { key: 'size', value: '120' },
      { key: 'plan', value: 'Pro' },
      { key: 'since', value: '2024-03-15' },
      { key: 'code', value: 'abc' },
    ],
  })
  const c = (field: string, op: Condition['op'], value?: string | number): Condition => ({
    field,
    op,
    ...(value === undefined ? {} : { value }),
  })

  it.each([
    [c('name', 'equals', 'ada lovelace'), true],
    [c('name', 'equals', 'Ada'), false],
    [c('attributes.plan', 'equals', 'PRO'), true],
    [c('status', 'equals', 'open'), true],
    [c('dialCode', 'equals', '+44'), true],
    [c('name', 'notEquals', 'Bo'), true],
    [c('name', 'notEquals', 'ADA LOVELACE'), false],
    [c('email', 'contains', '@EXAMPLE'), true],
    [c('email', 'contains', 'gmail'), false],
    [c('name', 'exists'), true],
    [c('phone', 'exists'), false],
    [c('attributes.missing', 'exists'), false],
    [c('phone', 'empty'), true],
    [c('attributes.plan', 'empty'), false],
    [c('email', 'matches', '^ada@.+\\.com$'), true],
    [c('email', 'matches', '^ADA@'), true],
    [c('email', 'matches', '^bo@'), false],
  ])('%o is %s', (cond, expected) => {
    expect(holds(cond, l)).toBe(expected)
  })

  it('compares with each tag, ignoring case', () => {
    expect(holds(c('tags', 'equals', 'vip'), l)).toBe(true)
    expect(holds(c('tags', 'equals', 'news'), l)).toBe(false)
    expect(holds(c('tags', 'contains', 'news'), l)).toBe(true)
    expect(holds(c('tags', 'notEquals', 'vip'), l)).toBe(false)
    expect(holds(c('tags', 'notEquals', 'cold'), l)).toBe(true)
    expect(holds(c('tags', 'exists'), l)).toBe(true)
    expect(holds(c('tags', 'empty'), l)).toBe(false)
    expect(holds(c('tags', 'empty'), lead())).toBe(true)
    expect(holds(c('tags', 'exists'), lead())).toBe(false)
    expect(holds(c('tags', 'matches', '^news'), l)).toBe(true)
  })

  it('compares numbers as numbers, not as text', () => {
    // As text, "120" < "99"; as numbers it is greater.
    expect(holds(c('attributes.size', 'gt', 99), l)).toBe(true)
    expect(holds(c('attributes.size', 'gt', '99'), l)).toBe(true)
    expect(holds(c('attributes.size', 'lt', 99), l)).toBe(false)
    expect(holds(c('attributes.size', 'lt', 1000), l)).toBe(true)
    expect(holds(c('attributes.size', 'gt', 120), l)).toBe(false)
    expect(holds(c('attributes.size', 'lt', 120), l)).toBe(false)
  })

  it('compares text as text', () => {
    expect(holds(c('attributes.code', 'gt', 'abb'), l)).toBe(true)
    expect(holds(c('attributes.code', 'lt', 'abd'), l)).toBe(true)
    expect(holds(c('attributes.code', 'lt', 'ABB'), l)).toBe(false)
  })

  it('compares ISO dates by date', () => {
    expect(holds(c('attributes.since', 'gt', '2024-03-01'), l)).toBe(true)
    expect(holds(c('attributes.since', 'gt', '2024-12-01'), l)).toBe(false)
    expect(holds(c('attributes.since', 'lt', '2025-01-01'), l)).toBe(true)
    expect(holds(c('attributes.since', 'lt', '2023-12-31'), l)).toBe(false)
  })

  it('is false for gt and lt on a missing value', () => {
    expect(holds(c('attributes.missing', 'gt', 0), l)).toBe(false)
    expect(holds(c('attributes.missing', 'lt', 0), l)).toBe(false)
  })

  it('never matches an invalid regular expression, and does not throw', () => {
    expect(() => holds(c('name', 'matches', '(['), l)).not.toThrow()
    expect(holds(c('name', 'matches', '(['), l)).toBe(false)
    expect(holds(c('tags', 'matches', '*vip'), l)).toBe(false)
  })
})

describe('pick', () => {
  it('reads dot paths, including array indexes, and nothing from the prototype', () => {
    const v = { a: { b: [{ c: 1 }] }, s: 'x' }
    expect(pick(v, 'a.b.0.c')).toBe(1)
    expect(pick(v, 's')).toBe('x')
    expect(pick(v, 'a.x.c')).toBeUndefined()
    expect(pick(v, 's.length')).toBeUndefined()
    expect(pick(v, 'constructor')).toBeUndefined()
  })
})

describe('call', () => {
  const hook = (over: Partial<WebhookNode> = {}): WebhookNode => ({
    id: 'hook',
    type: 'webhook',
    url: 'https://hooks.example.com/lead',
    map: { plan: 'data.plan', score: 'data.score', paid: 'paid', obj: 'data', none: 'nope' },
    onError: 'failed',
    ...over,
  })
  const flowsWith = (w: WebhookNode): Flow[] =>
    one(
      w,
      { id: 'ok', type: 'message', text: 'ok' },
      { id: 'failed', type: 'message', text: 'failed' },
    )
  const json = (body: unknown, status = 200) =>
    new Response(typeof body === 'string' ? body : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    })
  const visitor = lead({ name: 'Ada', email: 'ada@example.com', tags: ['vip'] })

  it('POSTs the ids and the lead as JSON, without credentials', async () => {
    const requests: { url: string; method: string; credentials: string; body: unknown }[] = []
    const fetchImpl = vi.fn(async (req: Request) => {
      requests.push({
        url: req.url,
        method: req.method,
        credentials: req.credentials,
        body: await req.json(),
      })
      return json({})
    }) as unknown as typeof fetch
    const w = hook()
    const { engine } = setup(flowsWith(w), fetchImpl)
    await engine.call(w, visitor)
    expect(requests).toEqual([
      {
        url: 'https://hooks.example.com/lead',
        method: 'POST',
        credentials: 'omit',
        body: {
          ...ids,
          lead: { ...ids, name: 'Ada', email: 'ada@example.com', tags: ['vip'] },
        },
      },
    ])
  })

  it('copies mapped response fields to attributes and continues at the following node', async () => {
    const fetchImpl = (async () =>
      json({ data: { plan: 'Pro', score: 42 }, paid: false })) as unknown as typeof fetch
    const w = hook()
    const { engine } = setup(flowsWith(w), fetchImpl)
    const r = await engine.call(w, visitor)
    expect(r.next).toBe('ok')
    // Strings, numbers and booleans are copied as text; objects and missing paths are not.
    expect(r.lead).toEqual({
      ...visitor,
      attributes: [
        { key: 'plan', value: 'Pro' },
        { key: 'score', value: '42' },
        { key: 'paid', value: 'false' },
      ],
    })
  })

  it('continues at its own next on success', async () => {
    const fetchImpl = (async () => json({})) as unknown as typeof fetch
    const w = hook({ next: 'failed' })
    const { engine } = setup(flowsWith(w), fetchImpl)
    expect((await engine.call(w, visitor)).next).toBe('failed')
  })

  it('continues at onError on an error status, keeping the lead', async () => {
    const fetchImpl = vi.fn(async () => json({ data: { plan: 'Pro' } }, 500))
    const w = hook()
    const { engine } = setup(flowsWith(w), fetchImpl as unknown as typeof fetch)
    expect(await engine.call(w, visitor)).toEqual({ lead: visitor, next: 'failed' })
    // No retry: a webhook is called once per visit of the node.
    expect(fetchImpl).toHaveBeenCalledTimes(1)
  })

  it('continues at onError after the timeout', async () => {
    const fetchImpl = vi.fn(() => new Promise<Response>(() => {}))
    const w = hook({ timeout: 100 })
    const { engine } = setup(flowsWith(w), fetchImpl as unknown as typeof fetch)
    const started = Date.now()
    expect(await engine.call(w, visitor)).toEqual({ lead: visitor, next: 'failed' })
    expect(Date.now() - started).toBeGreaterThanOrEqual(90)
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('continues at onError when the response is not JSON', async () => {
    const fetchImpl = (async () => json('<html>oops</html>')) as unknown as typeof fetch
    const w = hook()
    const { engine } = setup(flowsWith(w), fetchImpl)
    expect(await engine.call(w, visitor)).toEqual({ lead: visitor, next: 'failed' })
  })

  it('continues at onError on a network error', async () => {
    const fetchImpl = (async () => {
      throw new TypeError('Failed to fetch')
    }) as unknown as typeof fetch
    const w = hook()
    const { engine } = setup(flowsWith(w), fetchImpl)
    expect(await engine.call(w, visitor)).toEqual({ lead: visitor, next: 'failed' })
  })

  it('continues at the following node on failure when there is no onError', async () => {
    const fetchImpl = (async () => json({}, 503)) as unknown as typeof fetch
    const w = hook({ onError: undefined })
    const { engine } = setup(flowsWith(w), fetchImpl)
    expect(await engine.call(w, visitor)).toEqual({ lead: visitor, next: 'ok' })
  })
})

describe('walk: split (a node type added as CONTRIBUTING.md describes: a schema entry and a handler)', () => {
  const paths = one(
    {
      id: 'ab',
      type: 'split',
      paths: [
        { next: 'a', weight: 3 },
        { next: 'b', weight: 1 },
      ],
    },
    { id: 'a', type: 'message', text: 'Hello from A', next: 'end' },
    { id: 'b', type: 'message', text: 'Hello from B' },
    { id: 'end', type: 'end' },
  )
  const walkWith = (roll: number) =>
    createEngine({
      graph: graph(paths),
      ids: () => ids,
      whatsappLabel: 'WhatsApp',
      random: () => roll,
    }).walk(graph(paths), 'ab', lead())

  it('sends a visitor down one path, in proportion to the weights', () => {
    expect(texts(walkWith(0))).toEqual(['Hello from A'])
    expect(texts(walkWith(0.74))).toEqual(['Hello from A'])
    expect(texts(walkWith(0.75))).toEqual(['Hello from B'])
    expect(texts(walkWith(0.999))).toEqual(['Hello from B'])
  })

  it('splits about evenly without weights', () => {
    const even = one(
      { id: 'ab', type: 'split', paths: [{ next: 'a' }, { next: 'b' }] },
      { id: 'a', type: 'message', text: 'A', next: 'end' },
      { id: 'b', type: 'message', text: 'B' },
      { id: 'end', type: 'end' },
    )
    let n = 0
    const random = () => (n++ % 100) / 100
    const split = createEngine({ graph: graph(even), ids: () => ids, whatsappLabel: '', random })
    const counts = { A: 0, B: 0 }
    for (let i = 0; i < 100; i++) {
      const said = texts(split.walk(graph(even), 'ab', lead()))[0] as 'A' | 'B'
      counts[said]++
    }
    expect(counts).toEqual({ A: 50, B: 50 })
  })
})
