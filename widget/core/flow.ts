/**
 * The chat-flow engine: pure functions over a {@link Graph} and a {@link Lead}.
 * The node types are those of the configuration document's schema
 * (`widget/config/schema.ts` `NODES`, imported as types only: no valibot here),
 * named after the platform's chat-flow editor (the platform's help centre,
 * "Components In Chatflow"; "Creating Multiple Flows"). This core knows the node types of the built-in flow
 * (`message`, `ask`, `tag`, `handoff`, `end`); every other node type is run by the
 * {@link Extension} of the configured-bot chunk (`widget/rich/`), so a bot without
 * a configuration document never downloads it.
 */

import { report } from '../../loader/log'
import type { Card, Choice, Condition, FlowNode } from '../config/schema'
import type { Translate } from './i18n'
import { type Lead, withAttribute, withTags } from './lead'

export type { Card, Choice, Condition, FlowNode }

/** The node of type `K`, e.g. `NodeOf<'ask'>`. */
export type NodeOf<K extends FlowNode['type']> = Extract<FlowNode, { type: K }>

/** Send Information, text (schema.ts `NODES.message`). */
export type MessageNode = NodeOf<'message'>
/** Send Information, image. */
export type ImageNode = NodeOf<'image'>
/** Send Information, link button. */
export type LinkNode = NodeOf<'link'>
/** Send Information, quick replies. */
export type QuickNode = NodeOf<'quick'>
/** Send Information, cards carousel. */
export type CardsNode = NodeOf<'cards'>
/** A main menu of flows. */
export type MenuNode = NodeOf<'menu'>
/** Request Information: a question (schema.ts `NODES.ask`). */
export type AskNode = NodeOf<'ask'>
/** What a Request Information node asks for (schema.ts `NODES.ask`). */
export type InputKind = AskNode['input']
/** Trigger Actions, tags. */
export type TagNode = NodeOf<'tag'>
/** Trigger Actions, call an external API. */
export type WebhookNode = NodeOf<'webhook'>
/** Hands the conversation to a person (schema.ts `NODES.handoff`). */
export type HandoffNode = NodeOf<'handoff'>
/** Ends the chat flow. */
export type EndNode = NodeOf<'end'>

/** A chat flow: it starts at its first node; a node without `next` continues with the one after it. */
export interface Flow {
  id: string
  /** Shown on main-menu buttons. Default: the id. */
  name?: string
  nodes: FlowNode[]
}

/** A node waiting for the visitor: a question, quick replies, reply cards or a menu. */
export type WaitNode = AskNode | QuickNode | CardsNode | MenuNode

/**
 * What the transcript shows besides plain text: formatted text (`md`), an image, a
 * link button, or cards. Stored with the message, so a reload shows it again.
 */
export type Rich =
  | { t: 'img'; src: string; alt: string }
  | { t: 'link'; label: string; url: string }
  | { t: 'cards'; cards: Card[] }

/** One bot message of a {@link Step}: plain text, or text with a {@link Rich} part. */
export interface Say {
  text: string
  rich?: Rich
}

/** The flows of a bot, indexed: every node by id, and where each flow starts. */
export interface Graph {
  flows: Flow[]
  /** Node id → node. */
  node: Map<string, FlowNode>
  /** Node id → id of the following node in its flow. */
  after: Map<string, string>
  /** Id of the first node of the start flow. */
  start: string | undefined
}

/** Indexes `flows` (node ids unique across flows); `start` is the start flow's id (default: the first). */
export function graph(flows: Flow[], start?: string): Graph {
  const node = new Map<string, FlowNode>()
  const after = new Map<string, string>()
  for (const f of flows) {
    f.nodes.forEach((n, i) => {
      node.set(n.id, n)
      const following = f.nodes[i + 1]
      if (following) after.set(n.id, following.id)
    })
  }
  return {
    flows,
    node,
    after,
    start: (flows.find((f) => f.id === start) ?? flows[0])?.nodes[0]?.id,
  }
}

/** A validated answer to a {@link WaitNode}. */
export interface Answer {
  /** What the transcript shows as the visitor's message. */
  text: string
  /** The value stored (trimmed text, normalised email, chosen values joined by ", "). */
  value: string
  /** For phone questions: national digits and the dial code with "+". */
  phone?: { phone: string; dialCode: string }
  /** For choice-like nodes: the chosen option. */
  choice?: Choice
  /** For multiple choice: the chosen values (each becomes a tag when the node has `tag`). */
  values?: string[]
  /** The visitor pressed "Skip": nothing is stored. */
  skipped?: boolean
}

/** Where {@link walk} stopped: what the bot said, the updated lead, and what waits (nothing at the end). */
export interface Step {
  say: Say[]
  lead: Lead
  /** The node waiting for the visitor. */
  ask?: WaitNode
  /** A webhook node to call; the caller runs it and walks on from its outcome. */
  call?: WebhookNode
  /** A hand-off node reached: the flow ends, the caller asks for a person. */
  handoff?: HandoffNode
}

/**
 * A chat-flow engine: how the actions walk the flows, apply answers and list reply
 * buttons. {@link coreEngine} runs the built-in flow's node types; a configured
 * bot's chunk (`widget/rich/`) brings one for every node type.
 */
export interface Engine {
  walk(g: Graph, id: string | undefined, lead: Lead): Step
  applyAnswer(
    g: Graph,
    node: WaitNode,
    answer: Answer,
    lead: Lead,
  ): { lead: Lead; next: string | undefined }
  /** The reply buttons of a waiting node; empty for nodes answered by typing. */
  choices(g: Graph, node: WaitNode): Choice[]
}

/** Most nodes one walk visits: a guard against `next` cycles without questions. */
export const MAX_STEPS = 500

/**
 * What running a node tells the walk: nothing (`undefined`) goes on with the node after it
 * ({@link nextId}), `{next}` with that node (`undefined`: the flow ends), `{ask}`
 * waits for the visitor, `{call}` waits for a webhook call, `{handoff}` ends the flow
 * with a request for a person, `'end'` ends the flow.
 */
export type Outcome =
  // biome-ignore lint/suspicious/noConfusingVoidType: a handler that returns nothing goes on.
  | void
  | { next: string | undefined }
  | { ask: WaitNode }
  | { call: WebhookNode }
  | { handoff: HandoffNode }
  | 'end'

/** One walk in progress: its graph, and what running nodes changes: the lead and what the bot says. */
export interface Walk {
  g: Graph
  lead: Lead
  say: Say[]
}

/** How the engine runs one node type. */
export interface NodeType<N extends FlowNode> {
  /** Runs `node`: may change `w.lead` and add to `w.say`; tells the walk where to go. */
  run(node: N, w: Walk): Outcome
  /** The reply buttons of a waiting node of this type; default none (an answer is typed). */
  choices?(node: N, g: Graph): Choice[]
}

/** Node types by `type`, as far as an engine runs them: the core's ({@link coreTypes}) or a configured bot's (all). */
export type NodeTypes = { [K in FlowNode['type']]?: NodeType<NodeOf<K>> }

/** Every node type: what a configured bot's engine must run (`widget/rich/engine.ts` is checked against it). */
export type AllNodeTypes = Required<NodeTypes>

/** The id of the node after `node`: `override`, else `node.next`, else the following node of its flow. */
export function nextId(g: Graph, node: FlowNode, override?: string): string | undefined {
  return override || ('next' in node && node.next) || g.after.get(node.id)
}

/** Reads a lead field for placeholders and conditions: `name`, `email`, …, `tags`, `attributes.<key>`. */
export function field(lead: Lead, name: string): string | undefined {
  if (name.startsWith('attributes.'))
    return lead.attributes.find((a) => a.key === name.slice(11))?.value
  const v = (lead as unknown as Record<string, unknown>)[name]
  return Array.isArray(v) ? v.join(', ') : (v as string | undefined)
}

/** First strong isolate (U+2068) and pop directional isolate (U+2069): Unicode Bidirectional Algorithm, UAX #9 §2.7. */
const FSI = '\u2068'
const PDI = '\u2069'
/**
 * Right-to-left letters (Hebrew, Arabic, Syriac, Thaana, N'Ko… and their
 * presentation forms) and the directional marks, embeddings, overrides and
 * isolates (U+061C, U+200E–F, U+202A–E, U+2066–9).
 */
const BIDI = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/

/**
 * Fills `{name}`, `{email}`, `{phone}`, `{dialCode}`, `{status}`, `{tags}` and
 * `{attributes.key}` in `text` from the lead (missing fields become empty). The one
 * fill of both engines and of the composer's label.
 *
 * `isolate` (for text a visitor reads: bot messages, labels) wraps an inserted
 * value in FSI…PDI whenever the value or the sentence holds right-to-left letters
 * or directional controls ({@link BIDI}), so a name containing a right-to-left
 * override (U+202E), or a Latin name in an Arabic sentence, cannot reorder the rest
 * of the sentence (UAX #9, "Explicit Directional Isolates"). Where both are free of
 * them, isolating changes nothing on screen, and the text is left as typed.
 * Values stored in the lead (attribute nodes, notes, links) are filled without it.
 */
export function fill(text: string, lead: Lead, isolate = false): string {
  const rtl = BIDI.test(text)
  return text.replace(
    /\{(name|email|phone|dialCode|status|tags|attributes\.[^{}]+)\}/g,
    (_, k: string) => {
      const v = field(lead, k) ?? ''
      return isolate && v && (rtl || BIDI.test(v)) ? FSI + v + PDI : v
    },
  )
}

/** Bot text as the visitor reads it: {@link fill} with inserted values bidi-isolated. */
export const say = (text: string, lead: Lead): Say => ({ text: fill(text, lead, true) })

/** What a message node says for this lead: `named` when the lead has a name, else `text`. */
export const messageText = (node: MessageNode, lead: Lead): string =>
  (lead.name && node.named) || node.text

/**
 * Whether `node` asks for a lead field the lead already has (`name`, `email` or
 * `phone`, set by the host's `identify` or an earlier answer): such a question is
 * passed over, as Intercom does for identified users.
 */
export const known = (node: FlowNode, lead: Lead): boolean =>
  node.type === 'ask' &&
  (node.input === 'name' || node.input === 'email' || node.input === 'phone') &&
  !!lead[node.input]

/**
 * The attribute an answer to `node` is stored as: its `attribute`; for an `ask`
 * whose answer fills no lead field and is not a tag, its `id` (so no answer is
 * dropped); else none.
 */
export function answerKey(node: WaitNode): string | undefined {
  if ('attribute' in node && node.attribute) return node.attribute
  if (node.type !== 'ask' || node.tag) return undefined
  return node.input === 'name' || node.input === 'email' || node.input === 'phone'
    ? undefined
    : node.id
}

/** The first node of flow `id`, or `undefined` when there is no such flow. */
export const firstOf = (g: Graph, id: string): string | undefined =>
  g.flows.find((f) => f.id === id)?.nodes[0]?.id

/**
 * The node types of the built-in flow: `message`, `ask` (passed over when the lead
 * already has its field: {@link known}), `tag`, `handoff` (says its `message`, if
 * any, and stops the walk: the actions say the default and ask for a person) and `end`. The configured-bot chunk
 * adds the others (`widget/rich/engine.ts`), so a bot without a configuration
 * document never downloads them.
 */
export const coreTypes = {
  message: {
    run(node, w) {
      w.say.push(say(messageText(node, w.lead), w.lead))
    },
  },
  ask: {
    run(node, w) {
      if (known(node, w.lead)) return
      w.say.push(say(node.text, w.lead))
      return { ask: node }
    },
    choices: (node) => (node.input === 'choice' && node.options) || [],
  },
  tag: {
    run(node, w) {
      w.lead = withTags(w.lead, node.add, node.remove)
    },
  },
  handoff: {
    run(node, w) {
      if (node.message) w.say.push(say(node.message, w.lead))
      return { handoff: node }
    },
  },
  end: {
    run(node, w) {
      if (node.text) w.say.push(say(node.text, w.lead))
      return 'end'
    },
  },
} satisfies NodeTypes

/**
 * The engine that runs `types`: one walk loop dispatching each node to
 * `types[node.type]`, which runs the flow from node `id` until a node waits, a
 * webhook is to be called, or the flow ends (an `end` node, the last node, an
 * unknown id, or {@link MAX_STEPS} nodes without a question). A node whose type
 * `types` lacks is never skipped: the flow ends there with one `E_CONFIG` line
 * (validation rejects unknown types, so this is a widget bug).
 */
export function engine(types: NodeTypes): Engine {
  const typeOf = (node: FlowNode) => types[node.type] as NodeType<FlowNode> | undefined
  return {
    walk(g, id, lead) {
      const w: Walk = { g, lead, say: [] }
      for (let i = 0; id && i < MAX_STEPS; i++) {
        const node = g.node.get(id)
        if (!node) break
        const type = typeOf(node)
        if (!type) {
          report('E_CONFIG', `no engine runs node type "${node.type}"`, 'report this bug')
          break
        }
        const out = type.run(node, w)
        if (out === 'end') break
        if (out && !('next' in out)) return { say: w.say, lead: w.lead, ...out }
        id = out ? out.next : nextId(g, node)
      }
      return { say: w.say, lead: w.lead }
    },
    applyAnswer,
    choices: (g, node) => typeOf(node)?.choices?.(node, g) ?? [],
  }
}

/** The engine of the built-in flow's node types ({@link coreTypes}). */
export const coreEngine: Engine = engine(coreTypes)

/** {@link coreEngine}'s walk: the steps of the built-in flow from node `id`. */
export const walk: Engine['walk'] = coreEngine.walk

/**
 * Applies a validated answer to the lead and says which node comes next: a
 * choice's `next`, else the first node of its `flow`, else the node after. A
 * skipped answer stores nothing.
 */
export function applyAnswer(
  g: Graph,
  node: WaitNode,
  answer: Answer,
  lead: Lead,
): { lead: Lead; next: string | undefined } {
  if (answer.skipped) return { lead, next: nextId(g, node) }
  const flow = answer.choice?.flow
  const input = node.type === 'ask' ? node.input : ''
  if (input === 'name') lead = { ...lead, name: answer.value }
  else if (input === 'email') lead = { ...lead, email: answer.value }
  else if (input === 'phone' && answer.phone) lead = { ...lead, ...answer.phone }
  const key = answerKey(node)
  if (key) lead = withAttribute(lead, key, answer.value)
  if ('tag' in node && node.tag) lead = withTags(lead, answer.values ?? [answer.value])
  return { lead, next: nextId(g, node, answer.choice?.next || (flow && firstOf(g, flow))) }
}

/**
 * The built-in lead-capture flow, used when the bot has no configuration document:
 * greet, ask name, email, phone, one choice whose answer becomes a tag, thank,
 * then offer "Talk to a person", which hands the chat to a person (a hand-off node,
 * saying the catalogue's hand-off message). Until the visitor picks it the flow
 * waits there.
 */
export function builtinFlow(t: Translate): Flow {
  const topics = [t('topicSales'), t('topicSupport'), t('topicOther')]
  return {
    id: 'lead-capture',
    nodes: [
      {
        id: 'greet',
        type: 'message',
        text: t('greet'),
        named: t('greetNamed', { name: '{name}' }),
      },
      { id: 'name', type: 'ask', input: 'name', text: t('askName') },
      { id: 'email', type: 'ask', input: 'email', text: t('askEmail', { name: '{name}' }) },
      { id: 'phone', type: 'ask', input: 'phone', text: t('askPhone') },
      {
        id: 'topic',
        type: 'ask',
        input: 'choice',
        text: t('askTopic'),
        tag: true,
        options: topics.map((label) => ({ label })),
      },
      {
        id: 'thanks',
        type: 'ask',
        input: 'choice',
        text: t('thanks'),
        attribute: 'handoff',
        options: [{ label: t('talk') }],
      },
      { id: 'handoff', type: 'handoff' },
    ],
  }
}
