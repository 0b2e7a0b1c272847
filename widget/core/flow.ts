/**
 * The chat-flow engine: pure functions over a {@link Flow} and a {@link Lead}.
 * Component names follow the platform's chat-flow editor (seed 000, "Components
 * In Chatflow": Send Information, Request Information, Trigger Actions).
 */
import type { Translate } from './i18n'
import { type Lead, withAttribute, withTags } from './lead'

/** What a Request Information node asks for. `name`, `email`, `phone` fill the lead fields of the same name. */
export type InputKind = 'name' | 'email' | 'phone' | 'text' | 'choice'

/** A quick-reply choice. `value` defaults to `label`; `next` overrides the node's next node. */
export interface Choice {
  label: string
  value?: string
  next?: string
}

/** Send Information: the bot says `text`. `{name}`/`{email}` are filled from the lead. */
export interface MessageNode {
  id: string
  type: 'message'
  text: string
  next?: string
}

/**
 * Request Information: the bot asks `text` and waits. `attribute` stores the answer
 * as a lead attribute; `tag: true` adds the answer (a choice's value) as a tag.
 */
export interface AskNode {
  id: string
  type: 'ask'
  input: InputKind
  text: string
  options?: Choice[]
  attribute?: string
  tag?: boolean
  next?: string
}

/** Trigger Actions, tag: adds and removes lead tags. */
export interface TagNode {
  id: string
  type: 'tag'
  add?: string[]
  remove?: string[]
  next?: string
}

/** Ends the chat flow. */
export interface EndNode {
  id: string
  type: 'end'
}

/** One step of a chat flow. */
export type FlowNode = MessageNode | AskNode | TagNode | EndNode

/** A chat flow: it starts at its first node; a node without `next` continues with the one after it. */
export interface Flow {
  id: string
  nodes: FlowNode[]
}

/** A validated answer to an {@link AskNode}. */
export interface Answer {
  /** What the transcript shows as the visitor's message. */
  text: string
  /** The value stored (trimmed text, normalised email, chosen value). */
  value: string
  /** For phone questions: national digits and the dial code with "+". */
  phone?: { phone: string; dialCode: string }
  /** For choice questions: the chosen option. */
  choice?: Choice
}

/** Where {@link walk} stopped: what the bot said, the updated lead, and the question now waiting (none at the end). */
export interface Step {
  say: string[]
  lead: Lead
  ask?: AskNode
}

/** Most nodes one walk visits: a guard against `next` cycles without questions. */
const MAX_STEPS = 200

/** The id of the node after `node`: `override`, else `node.next`, else the following node. */
export function nextId(flow: Flow, node: FlowNode, override?: string): string | undefined {
  if (override) return override
  if ('next' in node && node.next) return node.next
  const i = flow.nodes.indexOf(node)
  return flow.nodes[i + 1]?.id
}

/** Fills `{name}`, `{email}`, `{phone}` in bot text from the lead (missing fields become empty). */
export function fill(text: string, lead: Lead): string {
  return text.replace(
    /\{(name|email|phone)\}/g,
    (_, k: 'name' | 'email' | 'phone') => lead[k] ?? '',
  )
}

/**
 * Runs the flow from node `id` through Send Information and Trigger Actions nodes
 * until a question waits or the flow ends. Unknown ids end the flow.
 */
export function walk(flow: Flow, id: string | undefined, lead: Lead): Step {
  const say: string[] = []
  for (let i = 0; id && i < MAX_STEPS; i++) {
    const node = flow.nodes.find((n) => n.id === id)
    if (!node || node.type === 'end') break
    if (node.type === 'ask') return { say: [...say, fill(node.text, lead)], lead, ask: node }
    if (node.type === 'message') say.push(fill(node.text, lead))
    else lead = withTags(lead, node.add, node.remove)
    id = nextId(flow, node)
  }
  return { say, lead }
}

/** Applies a validated answer to the lead and says which node comes next. */
export function applyAnswer(
  flow: Flow,
  node: AskNode,
  answer: Answer,
  lead: Lead,
): { lead: Lead; next: string | undefined } {
  if (node.input === 'name') lead = { ...lead, name: answer.value }
  else if (node.input === 'email') lead = { ...lead, email: answer.value }
  else if (node.input === 'phone' && answer.phone) lead = { ...lead, ...answer.phone }
  if (node.attribute) lead = withAttribute(lead, node.attribute, answer.value)
  if (node.tag) lead = withTags(lead, [answer.value])
  return { lead, next: nextId(flow, node, answer.choice?.next) }
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
      { id: 'greet', type: 'message', text: t('greet') },
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
