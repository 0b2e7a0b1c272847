/**
 * The triggers' teaser (widget/config/settings.ts imports this chunk when a
 * trigger fires): what it says, and how the chat opens from it. Bundled with the
 * teaser (./index.ts) into the settings build's one lazy chunk.
 */
import { type ReekolectApi, TEASER_MAX_LENGTH } from '../../loader/protocol'
import { localizeDocument } from '../config/locale'
import type { BotConfig, BotDocument, FlowNode } from '../config/schema'
import { showTeaser, teaserStrings } from '.'

/** The placeholders the chat fills from the lead (widget/core/flow.ts `fill`), with a space before. */
const PLACEHOLDER = /\s?\{(name|email|phone|dialCode|status|tags|attributes\.[^{}]+)\}/g
/** The inline formatting of bot texts (widget/rich/ui.tsx `Formatted`): `**bold**`, `*italic*`, `[label](url)`. */
const FORMATTING = /\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*|\[([^\]]+)\]\(([^)\s]+)\)/g

/**
 * A bot text as the teaser shows it: plain, its formatting marks dropped, its
 * placeholders empty (nothing is known about the visitor yet), at most
 * `TEASER_MAX_LENGTH` characters (longer ones end in "…").
 */
export function plainText(text: string): string {
  const plain = text
    .replace(FORMATTING, (_, b, i, label) => b ?? i ?? label)
    .replace(PLACEHOLDER, '')
    .trim()
  return plain.length > TEASER_MAX_LENGTH ? `${plain.slice(0, TEASER_MAX_LENGTH - 1)}…` : plain
}

/**
 * What a trigger's teaser says: `triggers.message` (`own: false`: the chat is
 * asked to say it, `showMessage` with `{open: true}`), else the bot's first
 * message (`own: true`: the chat says it by itself when it opens): the welcome
 * message, else the first text of the start flow, past tag, attribute, status and
 * note nodes and through jumps. `undefined` when the flow starts with something
 * else (an image, a branch, an A/B split, a webhook): the caller then uses a
 * greeting, said like `triggers.message`.
 */
export function teaserText(config: BotConfig): { text: string; own: boolean } | undefined {
  const s = config.settings
  if (s.triggers.message) return { text: s.triggers.message, own: false }
  const firstOf = (flow: string | undefined) =>
    (config.flows.find((f) => f.id === flow) ?? (flow ? undefined : config.flows[0]))?.nodes[0]
  const byId = new Map<string, { node: FlowNode; after?: string }>()
  for (const f of config.flows)
    f.nodes.forEach((node, i) => {
      byId.set(node.id, { node, after: f.nodes[i + 1]?.id })
    })
  let text = s.general.welcome
  let at = firstOf(config.start)
  // Bounded: jumps may go round in circles.
  for (let steps = 0; !text && at && steps < 100; steps++) {
    const n: FlowNode = at
    if (['message', 'ask', 'quick', 'menu', 'cards', 'link', 'end'].includes(n.type)) {
      text = 'text' in n ? n.text : undefined
      break
    }
    const next =
      n.type === 'jump'
        ? (n.to ?? firstOf(n.flow)?.id)
        : ['tag', 'attribute', 'status', 'note'].includes(n.type)
          ? ('next' in n && n.next) || byId.get(n.id)?.after
          : undefined
    at = next ? byId.get(next)?.node : undefined
  }
  const plain = text && plainText(text)
  return plain ? { text: plain, own: true } : undefined
}

/**
 * Shows the teaser of a trigger in `root` ({@link teaserText} of the document in
 * `locale`'s language, or a greeting in it). Opening the chat from it calls `api('open')` when the chat
 * says that text by itself, else `api('showMessage', text, {open: true})`, so the
 * chat says it first, once.
 * @returns the teaser's `hide`, or `undefined` when none shows (widget/teaser/index.ts `showTeaser`).
 */
export function tease(root: ShadowRoot, doc: BotDocument, api: ReekolectApi, locale: string) {
  const said = teaserText(localizeDocument(doc, locale))
  const text = said?.text ?? teaserStrings(locale)[2]
  return showTeaser(root, {
    text,
    locale,
    open: () => (said?.own ? api('open') : api('showMessage', text, { open: true })),
  })
}
