/**
 * The chat-flow engine: pure functions over a {@link Graph} and a {@link Lead}.
 * Component names follow the platform's chat-flow editor (the platform's help centre, "Components
 * In Chatflow": Send Information, Request Information, Trigger Actions; "Creating
 * Multiple Flows"). This core knows the node types of the built-in flow
 * (`message`, `ask`, `tag`, `end`); every other node type is run by the
 * {@link Extension} of the configured-bot chunk (`widget/rich/`), so a bot without
 * a configuration document never downloads it.
 */
import type { Translate } from './i18n'
import { type Lead, type Status, withAttribute, withTags } from './lead'

/**
 * What a Request Information node asks for. `name`, `email`, `phone` fill the lead
 * fields of the same name; the others become attributes when the node has one.
 * `number` (bounded by `min`/`max`), `date` (ISO `YYYY-MM-DD`, bounded by
 * `min`/`max` dates), `choice` (one option), `multi` (several options, at least
 * `min`, at most `max`), `rating` (1–5 stars).
 */
export type InputKind =
  | 'name'
  | 'email'
  | 'phone'
  | 'text'
  | 'choice'
  | 'number'
  | 'date'
  | 'multi'
  | 'rating'

/**
 * A reply button: of a choice question, quick replies, a card or a menu.
 * `value` defaults to `label`. `next` (a node id) or `flow` (a flow id, started
 * from its first node) overrides where the chat continues.
 */
export interface Choice {
  label: string
  value?: string
  next?: string
  flow?: string
}

/** A card of a {@link CardsNode}. `image` is an https URL; buttons open `url` or reply like a {@link Choice}. */
export interface Card {
  title: string
  text?: string
  image?: string
  alt?: string
  buttons?: (Choice & { url?: string })[]
}

/** A condition on the lead: `field` is `name`, `email`, `phone`, `dialCode`, `status`, `tags` or `attributes.<key>`. */
export interface Condition {
  field: string
  op: 'equals' | 'notEquals' | 'contains' | 'exists' | 'empty' | 'gt' | 'lt' | 'matches'
  value?: string | number
}

interface Base {
  /** Unique in the whole bot (all flows). */
  id: string
  /** The node that follows; default: the next node of the same flow. */
  next?: string
}

/** Send Information, text: `**bold**`, `*italic*`, `[label](https://…)`; `{name}`, `{attributes.key}` filled from the lead. */
export interface MessageNode extends Base {
  type: 'message'
  text: string
  /**
   * Said instead of `text` when the lead already has a name (the host identified
   * the visitor, or an earlier answer gave it): the built-in greeting greets an
   * identified visitor by name.
   */
  named?: string
}
/** Send Information, image: an https URL with alternative text (required: WCAG 1.1.1). */
export interface ImageNode extends Base {
  type: 'image'
  src: string
  alt: string
}
/** Send Information, link button: `text` (optional) then a button opening `url` in a new tab. */
export interface LinkNode extends Base {
  type: 'link'
  text?: string
  label: string
  url: string
}
/** Send Information, quick replies: buttons that branch; the answer is not stored unless `attribute`/`tag` say so. */
export interface QuickNode extends Base {
  type: 'quick'
  text: string
  options: Choice[]
  attribute?: string
  tag?: boolean
}
/** Send Information, cards carousel. Waits for a reply when a card has a reply button. */
export interface CardsNode extends Base {
  type: 'cards'
  text?: string
  cards: Card[]
  /** Stores the chosen reply button's value as this attribute. */
  attribute?: string
  tag?: boolean
}
/** A main menu: one button per listed flow (default: every other flow), named by the flow's `name`. */
export interface MenuNode extends Base {
  type: 'menu'
  text: string
  flows?: string[]
}

/**
 * Request Information: the bot asks `text` and waits. `attribute` stores the answer
 * as a lead attribute; `tag: true` adds the answer (each chosen value) as a tag;
 * `skip: true` offers a "Skip" button. An answer that fills no lead field (an
 * input other than `name`, `email`, `phone`, with neither `attribute` nor `tag`)
 * is stored as the attribute named after the node's `id` ({@link answerKey}), so
 * it always reaches the lead. A `name`, `email` or `phone` question whose field the
 * lead already has (the host's `identify`) is not asked ({@link known}).
 */
export interface AskNode extends Base {
  type: 'ask'
  input: InputKind
  text: string
  options?: Choice[]
  attribute?: string
  tag?: boolean
  skip?: boolean
  /** `number`: lowest value; `date`: earliest `YYYY-MM-DD`; `multi`: fewest options. */
  min?: number | string
  /** `number`: highest value; `date`: latest `YYYY-MM-DD`; `multi`: most options. */
  max?: number | string
  placeholder?: string
}

/** Trigger Actions, tags: adds and removes lead tags. */
export interface TagNode extends Base {
  type: 'tag'
  add?: string[]
  remove?: string[]
}
/** Trigger Actions: sets attribute `key` to `value` (placeholders filled). */
export interface AttributeNode extends Base {
  type: 'attribute'
  key: string
  value: string
}
/** Trigger Actions: sets the chat status (docs/platform-api.md). */
export interface StatusNode extends Base {
  type: 'status'
  status: Status
}
/** Trigger Actions: adds a note `{title, description}` (placeholders filled) to the chat. */
export interface NoteNode extends Base {
  type: 'note'
  title: string
  description: string
}
/** Trigger Actions: continues at node `to`, or at the first node of flow `flow`. */
export interface JumpNode extends Base {
  type: 'jump'
  to?: string
  flow?: string
}
/**
 * Branching by condition: the first rule whose conditions all hold gives the next
 * node; otherwise `else`, otherwise the following node.
 */
export interface BranchNode extends Base {
  type: 'branch'
  rules: { if: Condition[]; next: string }[]
  else?: string
}
/**
 * Trigger Actions, call an external API: POSTs `{uuid, botId, customerId, lead}` as
 * JSON to `url`, copies response fields to attributes (`map`: attribute key → dot
 * path in the response), continues at `next`; on an error status, invalid JSON or
 * after `timeout` ms (default 8000) continues at `onError` (default `next`).
 */
export interface WebhookNode extends Base {
  type: 'webhook'
  url: string
  map?: Record<string, string>
  timeout?: number
  onError?: string
}
/**
 * Trigger Actions, transfer to WhatsApp: a button opening
 * `https://wa.me/<number>?text=<text>` (the platform's help centre).
 * `number` is international digits without "+"; `text` may use `{uuid}`.
 */
export interface WhatsappNode extends Base {
  type: 'whatsapp'
  number: string
  text?: string
  label?: string
}
/** Ends the chat flow, optionally saying `text`. */
export interface EndNode {
  id: string
  type: 'end'
  text?: string
}

/** One step of a chat flow. */
export type FlowNode =
  | MessageNode
  | ImageNode
  | LinkNode
  | QuickNode
  | CardsNode
  | MenuNode
  | AskNode
  | TagNode
  | AttributeNode
  | StatusNode
  | NoteNode
  | JumpNode
  | BranchNode
  | WebhookNode
  | WhatsappNode
  | EndNode

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
const MAX_STEPS = 200

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

/**
 * Runs the flow from node `id` through `message` and `tag` nodes, and past
 * questions whose answer the lead already has ({@link known}), until a question
 * waits or the flow ends. Unknown ids and node types end the flow (the built-in
 * flow has none; configured bots use the engine of `widget/rich/`).
 */
export function walk(g: Graph, id: string | undefined, lead: Lead): Step {
  const said: Say[] = []
  for (let i = 0; id && i < MAX_STEPS; i++) {
    const node = g.node.get(id)
    if (node?.type === 'ask' && !known(node, lead))
      return { say: [...said, say(node.text, lead)], lead, ask: node }
    if (node?.type === 'message') said.push(say(messageText(node, lead), lead))
    else if (node?.type === 'tag') lead = withTags(lead, node.add, node.remove)
    else if (node?.type !== 'ask') break
    id = nextId(g, node)
  }
  return { say: said, lead }
}

/** Applies a validated answer to the lead and says which node comes next (a choice's `next` first). */
export function applyAnswer(
  g: Graph,
  node: WaitNode,
  answer: Answer,
  lead: Lead,
): { lead: Lead; next: string | undefined } {
  const input = node.type === 'ask' ? node.input : ''
  if (input === 'name') lead = { ...lead, name: answer.value }
  else if (input === 'email') lead = { ...lead, email: answer.value }
  else if (input === 'phone' && answer.phone) lead = { ...lead, ...answer.phone }
  const key = answerKey(node)
  if (key) lead = withAttribute(lead, key, answer.value)
  if ('tag' in node && node.tag) lead = withTags(lead, answer.values ?? [answer.value])
  return { lead, next: nextId(g, node, answer.choice?.next) }
}

/** The engine of the built-in flow's node types. */
export const coreEngine: Engine = {
  walk,
  applyAnswer,
  choices: (_, node) => (node.type === 'ask' && node.options) || [],
}

/**
 * The built-in lead-capture flow, used when the bot has no configuration document:
 * greet, ask name, email, phone, one choice whose answer becomes a tag, thank.
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
      { id: 'thanks', type: 'message', text: t('thanks') },
      { id: 'end', type: 'end' },
    ],
  }
}
