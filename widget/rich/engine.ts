/**
 * The node types a configured bot adds to the core engine (`widget/core/flow.ts`):
 * the rest of Send Information (image, link button, quick replies, cards, menu),
 * Trigger Actions (attribute, status, note, jump, webhook, WhatsApp) and
 * branching by condition (the platform's help centre).
 */
import ky from 'ky'
import {
  applyAnswer,
  type Condition,
  type Engine,
  type FlowNode,
  field,
  fill,
  type Graph,
  known,
  messageText,
  nextId,
  type Say,
  say as sayText,
  type WebhookNode,
} from '../core/flow'
import { type Lead, type LeadIds, leadPayload, withAttribute, withTags } from '../core/lead'

/**
 * Whether `c` holds for the lead. Text comparisons ignore case; `tags` compares
 * with each tag (`equals`/`contains`: one tag is/contains the value). `gt`/`lt`
 * compare numbers when both sides are numbers, else strings (so ISO dates work).
 * `matches` is a case-insensitive regular expression; an invalid one never matches.
 */
export function holds(c: Condition, lead: Lead): boolean {
  const want = String(c.value ?? '').toLowerCase()
  const values =
    c.field === 'tags'
      ? lead.tags.map((t) => t.toLowerCase())
      : [(field(lead, c.field) ?? '').toLowerCase()]
  const has = values.some(Boolean)
  switch (c.op) {
    case 'exists':
      return has
    case 'empty':
      return !has
    case 'equals':
      return values.includes(want)
    case 'notEquals':
      return !values.includes(want)
    case 'contains':
      return values.some((v) => v.includes(want))
    case 'matches':
      try {
        const re = new RegExp(String(c.value ?? ''), 'i')
        return values.some((v) => re.test(v))
      } catch {
        return false
      }
    default: {
      const v = values[0] ?? ''
      if (!v) return false
      const [a, b] =
        v !== '' && want !== '' && !Number.isNaN(+v) && !Number.isNaN(+want)
          ? [+v, +want]
          : [v, want]
      return c.op === 'gt' ? a > b : a < b
    }
  }
}

/** The `wa.me` link of a WhatsApp transfer: digits only, `text` with `{uuid}` and lead placeholders filled. */
export function whatsappUrl(number: string, text: string, uuid: string, lead: Lead): string {
  const body = fill(text, lead).replace(/\{uuid\}/g, uuid)
  return `https://wa.me/${number.replace(/\D/g, '')}?text=${encodeURIComponent(body)}`
}

/** Reads `a.b.0.c` from a JSON value; `undefined` when any step is missing. */
export function pick(value: unknown, path: string): unknown {
  let v = value
  for (const k of path.split('.')) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, k)) return undefined
    v = (v as Record<string, unknown>)[k]
  }
  return v
}

/** Most nodes one walk visits: a guard against cycles without questions. */
const MAX_STEPS = 500

/** What the engine needs from the widget. */
export interface EngineContext {
  graph: Graph
  ids(): LeadIds
  /** Label of the WhatsApp button, translated. */
  whatsappLabel: string
  /** `fetch` for webhook calls (tests pass a fake). */
  fetch?: typeof fetch
}

/** The first node of flow `id`. */
const first = (g: Graph, id: string) => g.flows.find((f) => f.id === id)?.nodes[0]?.id

/**
 * The engine of a configured bot: every node type of `widget/core/flow.ts`,
 * branching by answer (a reply's `next`/`flow`) and by condition, and webhook calls.
 */
export function createEngine(ctx: EngineContext): Engine & {
  call(node: WebhookNode, lead: Lead): Promise<{ lead: Lead; next: string | undefined }>
} {
  const walk: Engine['walk'] = (g, id, lead) => {
    const say: Say[] = []
    for (let i = 0; id && i < MAX_STEPS; i++) {
      const node: FlowNode | undefined = g.node.get(id)
      if (!node) break
      let next = nextId(g, node)
      switch (node.type) {
        case 'message':
          say.push(sayText(messageText(node, lead), lead))
          break
        case 'ask':
          if (known(node, lead)) break
          return { say: [...say, sayText(node.text, lead)], lead, ask: node }
        case 'quick':
        case 'menu':
          return { say: [...say, sayText(node.text, lead)], lead, ask: node }
        case 'image':
          say.push({ text: '', rich: { t: 'img', src: node.src, alt: node.alt } })
          break
        case 'link':
          say.push({
            ...sayText(node.text ?? '', lead),
            rich: { t: 'link', label: node.label, url: node.url },
          })
          break
        case 'cards':
          say.push({
            ...sayText(node.text ?? '', lead),
            rich: { t: 'cards', cards: node.cards },
          })
          if (node.cards.some((c) => c.buttons?.some((b) => !b.url)))
            return { say, lead, ask: node }
          break
        case 'tag':
          lead = withTags(lead, node.add, node.remove)
          break
        case 'attribute':
          lead = withAttribute(lead, node.key, fill(node.value, lead))
          break
        case 'status':
          lead = { ...lead, status: node.status }
          break
        case 'note':
          lead = {
            ...lead,
            notes: [
              ...lead.notes,
              { title: fill(node.title, lead), description: fill(node.description, lead) },
            ],
          }
          break
        case 'jump':
          next = node.flow ? first(g, node.flow) : node.to
          break
        case 'branch':
          next =
            node.rules.find((r) => r.if.every((c) => holds(c, lead)))?.next ?? node.else ?? next
          break
        case 'webhook':
          return { say, lead, call: node }
        case 'whatsapp': {
          const url = whatsappUrl(
            node.number,
            node.text ?? 'Hi! My chat reference is {uuid}',
            ctx.ids().uuid,
            lead,
          )
          say.push({ text: '', rich: { t: 'link', label: node.label ?? ctx.whatsappLabel, url } })
          break
        }
        case 'end':
          if (node.text) say.push(sayText(node.text, lead))
          return { say, lead }
      }
      id = next
    }
    return { say, lead }
  }
  const choices: Engine['choices'] = (g, node) => {
    if (node.type === 'menu')
      return (
        node.flows
          ? node.flows.map((id) => g.flows.find((f) => f.id === id))
          : g.flows.filter((f) => !f.nodes.includes(node))
      )
        .filter((f) => f !== undefined)
        .map((f) => ({ label: f.name ?? f.id, flow: f.id }))
    if (node.type === 'cards')
      return node.cards.flatMap((c) => c.buttons?.filter((b) => !b.url) ?? [])
    return node.type === 'quick' || node.input === 'choice' ? (node.options ?? []) : []
  }
  return {
    walk,
    choices,
    applyAnswer(g, node, answer, lead) {
      if (answer.skipped) return { lead, next: nextId(g, node) }
      const r = applyAnswer(g, node, answer, lead)
      const flow = answer.choice?.flow
      return flow ? { lead: r.lead, next: first(g, flow) ?? r.next } : r
    },
    /**
     * POSTs `{uuid, botId, customerId, lead}` (the lead as its PUT body) to the
     * node's URL, without credentials, and copies `map`ped response fields (strings,
     * numbers, booleans) to attributes. Any failure (status, timeout, bad JSON)
     * continues at `onError`, else `next`; it never rejects.
     */
    async call(node, lead) {
      const ids = ctx.ids()
      const next = nextId(ctx.graph, node)
      try {
        const res = await ky
          .post(node.url, {
            json: { ...ids, lead: leadPayload(ids, lead) },
            timeout: node.timeout ?? 8000,
            retry: 0,
            credentials: 'omit',
            ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
          })
          .json<unknown>()
        for (const [key, path] of Object.entries(node.map ?? {})) {
          const v = pick(res, path)
          if (['string', 'number', 'boolean'].includes(typeof v))
            lead = withAttribute(lead, key, String(v))
        }
        return { lead, next }
      } catch {
        return { lead, next: node.onError ?? next }
      }
    },
  }
}
