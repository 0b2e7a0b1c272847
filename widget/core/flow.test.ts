import { describe, expect, it, vi } from 'vitest'
import {
  type Answer,
  type AskNode,
  applyAnswer,
  builtinFlow,
  coreEngine,
  type Flow,
  fill,
  graph,
  type Step,
  walk,
} from './flow'
import { translator } from './i18n'
import { emptyLead, type Lead } from './lead'
import { check } from './validate'

const lead = (over: Partial<Lead> = {}): Lead => ({ ...emptyLead(), ...over })
const ask = (flow: Flow, id: string) => flow.nodes.find((n) => n.id === id) as AskNode
/** The texts the bot said in a step. */
const texts = (step: Step) => step.say.map((s) => s.text)
const answer = (value: string, extra: Partial<Answer> = {}): Answer => ({
  text: value,
  value,
  ...extra,
})

describe('fill', () => {
  it('fills {name}, {email} and {phone} from the lead', () => {
    const l = lead({ name: 'Ada', email: 'ada@example.com', phone: '7400123456' })
    expect(fill('Hi {name}, we will write to {email} or call {phone}.', l)).toBe(
      'Hi Ada, we will write to ada@example.com or call 7400123456.',
    )
  })

  it('fills every occurrence and leaves other braces alone', () => {
    expect(fill('{name}! {name}? {unknown}', lead({ name: 'Bo' }))).toBe('Bo! Bo? {unknown}')
  })

  it('turns missing fields into nothing rather than "undefined"', () => {
    expect(fill('Thanks, {name}!', lead())).toBe('Thanks, !')
  })
})

describe('graph', () => {
  const flows: Flow[] = [
    {
      id: 'one',
      nodes: [
        { id: 'a', type: 'message', text: 'A' },
        { id: 'b', type: 'end' },
      ],
    },
    { id: 'two', nodes: [{ id: 'c', type: 'message', text: 'C' }] },
  ]

  it('indexes every node of every flow by id, and what follows it in its own flow', () => {
    const g = graph(flows)
    expect([...g.node.keys()]).toEqual(['a', 'b', 'c'])
    expect(g.node.get('c')).toBe(flows[1]!.nodes[0])
    expect(g.after.get('a')).toBe('b')
    // The last node of a flow is not followed by the first node of the next flow.
    expect(g.after.has('b')).toBe(false)
    expect(g.after.has('c')).toBe(false)
  })

  it('starts at the first node of the start flow, by default the first flow', () => {
    expect(graph(flows).start).toBe('a')
    expect(graph(flows, 'two').start).toBe('c')
    expect(graph(flows, 'missing').start).toBe('a')
    expect(graph([]).start).toBeUndefined()
  })
})

describe('walk', () => {
  const flow: Flow = {
    id: 'f',
    nodes: [
      { id: 'hello', type: 'message', text: 'Hello {name}' },
      { id: 'tag', type: 'tag', add: ['web'], remove: ['old'] },
      { id: 'more', type: 'message', text: 'One question:' },
      { id: 'q', type: 'ask', input: 'text', text: 'Why, {name}?' },
      { id: 'after', type: 'message', text: 'not reached' },
    ],
  }

  it('says messages, applies tags and stops at the first question', () => {
    const step = walk(graph([flow]), 'hello', lead({ name: 'Ada', tags: ['old'] }))
    // Plain text only: the core never adds a rich part.
    expect(step.say).toEqual([
      { text: 'Hello Ada' },
      { text: 'One question:' },
      { text: 'Why, Ada?' },
    ])
    expect(step.ask?.id).toBe('q')
    expect(step.lead.tags).toEqual(['web'])
  })

  it('follows explicit next links', () => {
    const f: Flow = {
      id: 'f',
      nodes: [
        { id: 'a', type: 'message', text: 'A', next: 'c' },
        { id: 'b', type: 'message', text: 'B (skipped)' },
        { id: 'c', type: 'message', text: 'C' },
      ],
    }
    const step = walk(graph([f]), 'a', lead())
    expect(texts(step)).toEqual(['A', 'C'])
    expect(step.ask).toBeUndefined()
  })

  it('ends at an end node, at the last node and at an unknown id', () => {
    const f: Flow = {
      id: 'f',
      nodes: [
        { id: 'a', type: 'message', text: 'A' },
        { id: 'stop', type: 'end' },
        { id: 'b', type: 'message', text: 'B' },
        { id: 'c', type: 'message', text: 'C', next: 'nowhere' },
      ],
    }
    const ends = (id: string | undefined, say: string[]) => {
      const step = walk(graph([f]), id, lead())
      expect(texts(step)).toEqual(say)
      expect(step.ask).toBeUndefined()
    }
    ends('a', ['A'])
    ends('b', ['B', 'C'])
    ends('nowhere', [])
    ends(undefined, [])
  })

  it('terminates on a cycle without questions', () => {
    const f: Flow = {
      id: 'loop',
      nodes: [
        { id: 'a', type: 'message', text: 'ping', next: 'b' },
        { id: 'b', type: 'tag', add: ['x'], next: 'a' },
      ],
    }
    const step = walk(graph([f]), 'a', lead())
    expect(step.ask).toBeUndefined()
    expect(step.say.length).toBeGreaterThan(0)
    expect(step.say.length).toBeLessThanOrEqual(1000)
    expect(step.lead.tags).toEqual(['x'])
  })

  it('does not change the lead it was given', () => {
    const l = lead({ tags: ['old'] })
    walk(graph([flow]), 'hello', l)
    expect(l.tags).toEqual(['old'])
  })
})

describe('walk: node types of configured bots', () => {
  it('ends at a node type only the configured-bot engine runs, with one E_CONFIG line: never skipped', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const f: Flow = {
      id: 'f',
      nodes: [
        { id: 'a', type: 'message', text: 'A' },
        { id: 'img', type: 'image', src: 'https://example.com/a.png', alt: 'A picture' },
        { id: 'b', type: 'message', text: 'B' },
      ],
    }
    const step = walk(graph([f]), 'a', lead())
    expect(texts(step)).toEqual(['A'])
    expect(step.ask).toBeUndefined()
    expect(step.call).toBeUndefined()
    expect(error).toHaveBeenCalledOnce()
    expect(String(error.mock.calls[0]?.[0])).toMatch(
      /^\[Reekolect\] E_CONFIG: no engine runs node type "image"/,
    )
    error.mockRestore()
  })
})

describe('applyAnswer', () => {
  const flow: Flow = {
    id: 'f',
    nodes: [
      { id: 'name', type: 'ask', input: 'name', text: 'Name?' },
      { id: 'email', type: 'ask', input: 'email', text: 'Email?' },
      { id: 'phone', type: 'ask', input: 'phone', text: 'Phone?', next: 'text' },
      { id: 'skipped', type: 'message', text: 'skipped' },
      { id: 'text', type: 'ask', input: 'text', text: 'Company?', attribute: 'company' },
      {
        id: 'plan',
        type: 'ask',
        input: 'choice',
        text: 'Plan?',
        tag: true,
        attribute: 'plan',
        options: [
          { label: 'Free plan', value: 'free' },
          { label: 'Talk to sales', value: 'sales', next: 'sales' },
        ],
      },
      { id: 'bye', type: 'message', text: 'Bye' },
      { id: 'sales', type: 'message', text: 'A salesperson will call' },
    ],
  }

  it('stores a name answer as the lead name and moves to the next node', () => {
    const r = applyAnswer(graph([flow]), ask(flow, 'name'), answer('Ada'), lead())
    expect(r.lead.name).toBe('Ada')
    expect(r.next).toBe('email')
  })

  it('stores an email answer as the lead email', () => {
    const r = applyAnswer(graph([flow]), ask(flow, 'email'), answer('ada@example.com'), lead())
    expect(r.lead.email).toBe('ada@example.com')
    expect(r.next).toBe('phone')
  })

  it('stores a phone answer as national digits plus dial code, and follows next', () => {
    const a = answer('+447400123456', { phone: { phone: '7400123456', dialCode: '+44' } })
    const r = applyAnswer(graph([flow]), ask(flow, 'phone'), a, lead({ name: 'Ada' }))
    expect(r.lead).toMatchObject({ name: 'Ada', phone: '7400123456', dialCode: '+44' })
    expect(r.next).toBe('text')
  })

  it('stores a text answer only where the node says (attribute)', () => {
    const r = applyAnswer(
      graph([flow]),
      ask(flow, 'text'),
      answer('Acme Ltd'),
      lead({ name: 'Ada' }),
    )
    expect(r.lead.attributes).toEqual([{ key: 'company', value: 'Acme Ltd' }])
    expect(r.lead.name).toBe('Ada')
    expect(r.lead.tags).toEqual([])
    expect(r.next).toBe('plan')
  })

  it('tags and attributes a choice by its value and continues with the following node', () => {
    const node = ask(flow, 'plan')
    const choice = node.options![0]!
    const r = applyAnswer(
      graph([flow]),
      node,
      answer('free', { text: choice.label, choice }),
      lead(),
    )
    expect(r.lead.tags).toEqual(['free'])
    expect(r.lead.attributes).toEqual([{ key: 'plan', value: 'free' }])
    expect(r.next).toBe('bye')
  })

  it("jumps to a choice's own next node", () => {
    const node = ask(flow, 'plan')
    const choice = node.options![1]!
    const r = applyAnswer(
      graph([flow]),
      node,
      answer('sales', { text: choice.label, choice }),
      lead(),
    )
    expect(r.next).toBe('sales')
    expect(texts(walk(graph([flow]), r.next, r.lead))).toEqual(['A salesperson will call'])
  })

  it('replaces an earlier answer to the same attribute', () => {
    const node = ask(flow, 'text')
    const first = applyAnswer(graph([flow]), node, answer('Acme'), lead()).lead
    const second = applyAnswer(graph([flow]), node, answer('Globex'), first).lead
    expect(second.attributes).toEqual([{ key: 'company', value: 'Globex' }])
  })
})

describe('builtinFlow', () => {
  it('captures name, email, phone and one topic tag, thanks, then offers a person', async () => {
    const t = translator()
    const flow = builtinFlow(t)
    const g = graph([flow])
    let step = walk(g, g.start, emptyLead())
    const said: string[] = texts(step)
    const phone = async () => ({ phone: '7400123456', dialCode: '+44' })
    const answers = ['  Ada   Lovelace ', 'Ada@Example.COM', '07400 123456', 'support']
    for (const raw of answers) {
      const node = step.ask
      if (node?.type !== 'ask') throw new Error(`no question waits before "${raw}"`)
      const r = await check(node, raw, phone)
      if (!r.ok) throw new Error(`"${raw}" rejected: ${r.error}`)
      const applied = applyAnswer(g, node, r.answer, step.lead)
      step = walk(g, applied.next, applied.lead)
      said.push(...texts(step))
    }
    // The thanks waits with one button: "Talk to a person".
    expect(step.ask?.id).toBe('thanks')
    expect(coreEngine.choices(g, step.ask as AskNode).map((c) => c.label)).toEqual([t('talk')])
    expect(step.lead).toEqual({
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      phone: '7400123456',
      dialCode: '+44',
      tags: [t('topicSupport')],
      attributes: [],
      notes: [],
    })
    expect(said[0]).toBe(t('greet'))
    expect(said).toContain(t('askName'))
    // The email question greets the visitor by the name they just gave.
    expect(said).toContain(t('askEmail', { name: 'Ada Lovelace' }))
    expect(said).not.toContainEqual(expect.stringContaining('{name}'))
    expect(said[said.length - 1]).toBe(t('thanks'))
    // Choosing it ends the flow at the hand-off node, which says nothing itself (the actions say the default).
    const talk = applyAnswer(g, step.ask as AskNode, answer(t('talk')), step.lead)
    const end = walk(g, talk.next, talk.lead)
    expect(end.ask).toBeUndefined()
    expect(end.handoff?.id).toBe('handoff')
    expect(end.say).toEqual([])
  })

  it('asks one question at a time, in the order name, email, phone, topic', () => {
    const flow = builtinFlow(translator())
    const inputs = flow.nodes.filter((n): n is AskNode => n.type === 'ask').map((n) => n.input)
    expect(inputs).toEqual(['name', 'email', 'phone', 'choice', 'choice'])
    const topic = flow.nodes.find((n): n is AskNode => n.type === 'ask' && n.input === 'choice')
    expect(topic?.tag).toBe(true)
    expect(topic?.options?.length).toBeGreaterThanOrEqual(2)
  })
})

describe('handoff node', () => {
  const g = graph([
    {
      id: 'f',
      nodes: [
        { id: 'hi', type: 'message', text: 'Hi {name}' },
        { id: 'h', type: 'handoff', team: 'sales', message: 'Passing you to {name}’s rep' },
        { id: 'after', type: 'message', text: 'never said' },
      ],
    },
  ])

  it('says its message, stops the walk and hands over its node (team included)', () => {
    const step = coreEngine.walk(g, g.start, lead({ name: 'Ada' }))
    expect(step.say.map((s) => s.text)).toEqual(['Hi Ada', 'Passing you to Ada’s rep'])
    expect(step.handoff).toMatchObject({ id: 'h', team: 'sales' })
    expect(step.ask).toBeUndefined()
  })

  it('says nothing itself without a message', () => {
    const bare = graph([{ id: 'f', nodes: [{ id: 'h', type: 'handoff' }] }])
    const step = coreEngine.walk(bare, bare.start, lead())
    expect(step.say).toEqual([])
    expect(step.handoff?.id).toBe('h')
  })
})

describe('coreEngine', () => {
  it('offers the options of a choice question as buttons, and none for typed answers', () => {
    const flow = builtinFlow(translator())
    const g = graph([flow])
    const topic = ask(flow, 'topic')
    expect(coreEngine.choices(g, topic)).toEqual(topic.options)
    expect(coreEngine.choices(g, ask(flow, 'name'))).toEqual([])
  })

  it('walks and applies answers like walk and applyAnswer', () => {
    const flow = builtinFlow(translator())
    const g = graph([flow])
    expect(coreEngine.walk(g, g.start, lead())).toEqual(walk(g, g.start, lead()))
    const r = coreEngine.applyAnswer(g, ask(flow, 'name'), answer('Ada'), lead())
    expect(r).toEqual({ lead: lead({ name: 'Ada' }), next: 'email' })
  })
})
