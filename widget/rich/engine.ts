/**
 * The node types a configured bot adds to the core engine (`widget/core/flow.ts`):
 * the rest of Send Information (image, link button, quick replies, cards, menu),
 * Trigger Actions (attribute, status, note, jump, webhook, WhatsApp) and
 * branching by condition (the platform's help centre).
 */
import ky from 'ky'
import {
  type AllNodeTypes,
  type Condition,
  coreTypes,
  type Engine,
  engine,
  field,
  fill,
  firstOf,
  type Graph,
  nextId,
  say as sayText,
  type WaitNode,
  type Walk,
  type WebhookNode,
} from '../core/flow'
import { type Lead, type LeadIds, leadPayload, withAttribute } from '../core/lead'

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

/** What the engine needs from the widget. */
export interface EngineContext {
  graph: Graph
  ids(): LeadIds
  /** Label of the WhatsApp button, translated. */
  whatsappLabel: string
  /** `fetch` for webhook calls (tests pass a fake). */
  fetch?: typeof fetch
  /** Random numbers in [0, 1) for split nodes. Default `Math.random`. */
  random?: () => number
}

/** A node that waits for the visitor: says its text, then waits. */
const asks = <N extends WaitNode & { text: string }>(node: N, w: Walk) => {
  w.say.push(sayText(node.text, w.lead))
  return { ask: node }
}

/**
 * Every node type a configured bot runs: the core's ({@link coreTypes}) and the
 * rest of Send Information, Trigger Actions and branching. The table is checked
 * against the schema's node types both ways (`satisfies AllNodeTypes`): a node
 * type added to the schema does not compile until it has its entry here.
 */
export function nodeTypes(ctx: Pick<EngineContext, 'ids' | 'whatsappLabel' | 'random'>) {
  const random = ctx.random ?? Math.random
  return {
    ...coreTypes,
    image: {
      run(node, w) {
        w.say.push({ text: '', rich: { t: 'img', src: node.src, alt: node.alt } })
      },
    },
    link: {
      run(node, w) {
        w.say.push({
          ...sayText(node.text ?? '', w.lead),
          rich: { t: 'link', label: node.label, url: node.url },
        })
      },
    },
    quick: { run: asks, choices: (node) => node.options },
    menu: {
      run: asks,
      choices: (node, g) =>
        (node.flows
          ? node.flows.map((id) => g.flows.find((f) => f.id === id))
          : g.flows.filter((f) => !f.nodes.includes(node))
        )
          .filter((f) => f !== undefined)
          .map((f) => ({ label: f.name ?? f.id, flow: f.id })),
    },
    cards: {
      run(node, w) {
        w.say.push({ ...sayText(node.text ?? '', w.lead), rich: { t: 'cards', cards: node.cards } })
        // Waits only when a card has a reply button (not only links).
        if (node.cards.some((c) => c.buttons?.some((b) => !b.url))) return { ask: node }
      },
      choices: (node) => node.cards.flatMap((c) => c.buttons?.filter((b) => !b.url) ?? []),
    },
    attribute: {
      run(node, w) {
        w.lead = withAttribute(w.lead, node.key, fill(node.value, w.lead))
      },
    },
    status: {
      run(node, w) {
        w.lead = { ...w.lead, status: node.status }
      },
    },
    note: {
      run(node, w) {
        const note = {
          title: fill(node.title, w.lead),
          description: fill(node.description, w.lead),
        }
        w.lead = { ...w.lead, notes: [...w.lead.notes, note] }
      },
    },
    jump: {
      run: (node, w) => ({ next: node.flow ? firstOf(w.g, node.flow) : node.to }),
    },
    branch: {
      run(node, w) {
        const rule = node.rules.find((r) => r.if.every((c) => holds(c, w.lead)))
        const next = rule?.next ?? node.else
        if (next) return { next }
      },
    },
    webhook: { run: (node) => ({ call: node }) },
    split: {
      run(node) {
        const weight = (p: { weight?: number | undefined }) => p.weight ?? 1
        let roll = random() * node.paths.reduce((sum, p) => sum + weight(p), 0)
        for (const p of node.paths) {
          roll -= weight(p)
          if (roll < 0) return { next: p.next }
        }
        return { next: node.paths[node.paths.length - 1]?.next }
      },
    },
    whatsapp: {
      run(node, w) {
        const text = node.text ?? 'Hi! My chat reference is {uuid}'
        const url = whatsappUrl(node.number, text, ctx.ids().uuid, w.lead)
        w.say.push({ text: '', rich: { t: 'link', label: node.label ?? ctx.whatsappLabel, url } })
      },
    },
  } satisfies AllNodeTypes
}

/**
 * The engine of a configured bot: every node type ({@link nodeTypes}), branching
 * by answer (a reply's `next`/`flow`) and by condition, and webhook calls.
 */
export function createEngine(ctx: EngineContext): Engine & {
  call(node: WebhookNode, lead: Lead): Promise<{ lead: Lead; next: string | undefined }>
} {
  return {
    ...engine(nodeTypes(ctx)),
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
