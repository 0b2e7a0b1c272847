/**
 * The bot configuration document: our extension (the seeds document the bot
 * settings and chat-flow components as screens of the platform's editor, not a
 * file format). One versioned JSON document holds a bot's settings and flows; this
 * valibot schema is the single source of truth: the widget validates with it, the
 * demo server validates the playground's edits with it, and
 * `schema/bot-config.schema.json` is generated from it (`npm run schema`).
 *
 * Settings follow the platform's help centre, "Website Bot settings": Design, General, Alerts,
 * Triggers, User Access, Chat Window, Transfer Chat to WhatsApp, Email Validation; and
 * "Business Hours" (a page of its "Teams" section).
 * Node types follow "Components In Chatflow" (see `widget/core/flow.ts`).
 */
import * as v from 'valibot'
import { TEASER_MAX_LENGTH } from '../../loader/protocol'
import { STATUSES } from '../core/lead'
import type { LanguageMap, Resolved } from './locale'

const id = v.pipe(
  v.string(),
  v.regex(
    /^[a-zA-Z0-9][\w-]{0,63}$/,
    'must be 1–64 letters, digits, "_" or "-", starting with a letter or digit',
  ),
)
const text = (max = 2000) =>
  v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(max))

/** A well-formed BCP 47 language tag: a 2–3 letter language, then subtags (`fr`, `pt-BR`, `zh-Hant-TW`). */
const TAG = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/
let languageNames: Intl.DisplayNames | null | undefined
/**
 * Whether `tag` is valid BCP 47 (`Intl.getCanonicalLocales` takes it) and its
 * language is one the browser has a name for (`xx` is none). Where
 * `Intl.DisplayNames` is missing, any valid tag passes.
 */
const isLanguage = (tag: string) => {
  try {
    Intl.getCanonicalLocales(tag)
  } catch {
    return false
  }
  if (languageNames === undefined)
    try {
      languageNames = new Intl.DisplayNames('en', { type: 'language', fallback: 'none' })
    } catch {
      languageNames = null
    }
  return !languageNames || languageNames.of(tag.split('-')[0] as string) !== undefined
}
/** A language tag of a language map ({@link localized}) or of `defaultLocale`, `lang`. */
const language = v.pipe(
  v.string(),
  v.regex(TAG, 'must be a BCP 47 language tag such as "fr" or "pt-BR"'),
  v.check(
    // A malformed tag has its issue already.
    (tag) => !TAG.test(tag) || isLanguage(tag),
    (i) => `"${i.input}" is not a known language (use a tag such as "fr" or "pt-BR")`,
  ),
)
/**
 * Marks a validated language map (an object, not a string or a list) for
 * `localize` of ./locale.ts, which reads the mark: a non-enumerable property
 * under the registered symbol `reekolect.languageMap` (the same key there).
 */
const markMap = <T>(value: T): T => {
  if (value && typeof value === 'object' && !Array.isArray(value))
    Object.defineProperty(value, Symbol.for('reekolect.languageMap'), { value: true })
  return value
}
/**
 * A text a visitor reads: `schema` itself (a string, or for FAQ alternatives a
 * list), or a language map of it, `{"en": "Hello", "fr": "Bonjour"}`: BCP 47 tag
 * → the text in that language, at least one entry, each language once (tags
 * compare case-insensitively). Which entry a visitor reads is the fallback chain
 * of `./locale.ts` (docs/configuration.md, "Languages"). The map is marked as one
 * ({@link markMap}), so the widget tells it from other objects.
 */
const localized = <T extends v.GenericSchema>(schema: T, what = 'a string') =>
  v.pipe(
    v.union(
      [
        schema,
        v.pipe(
          // Not a list: that is `schema`'s to judge (FAQ alternatives), or no text at all.
          v.custom<Record<string, unknown>>((x) => !Array.isArray(x) && typeof x === 'object'),
          v.record(language, schema),
          v.minEntries(1, 'must name at least one language, like {"en": "…"}'),
          v.check(
            (m) =>
              new Set(Object.keys(m).map((k) => k.toLowerCase())).size === Object.keys(m).length,
            'names a language twice (tags are case-insensitive)',
          ),
        ),
      ],
      (issue) =>
        `must be ${what}, or a language map such as {"en": …, "fr": …} (received ${issue.received})`,
    ),
    v.transform(markMap),
  ) as unknown as v.GenericSchema<
    v.InferInput<T> | Record<string, v.InferInput<T>>,
    v.InferOutput<T> | LanguageMap<v.InferOutput<T>>
  >
/** {@link text} a visitor reads, in one language or several ({@link localized}). */
const says = (max = 2000) => localized(text(max))
const https = v.pipe(
  v.string(),
  v.url('must be a URL'),
  v.regex(/^https?:/, 'must be an http(s) URL'),
)
/** Images load inside the host page: https only, or browsers block them as mixed content. */
const image = v.pipe(v.string(), v.url('must be a URL'), v.regex(/^https:/, 'must be an https URL'))
const int = (min: number, max: number) =>
  v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max))
const patterns = v.optional(v.array(v.pipe(v.string(), v.maxLength(200))), [])
const node = <K extends string, T extends v.ObjectEntries>(type: K, entries: T) =>
  v.strictObject({ id, type: v.literal(type), next: v.optional(id), ...entries })

/**
 * A reply button: of a choice question, quick replies, a card or a menu.
 * `value` defaults to `label`. `next` (a node id) or `flow` (a flow id, started
 * from its first node) overrides where the chat continues.
 */
const choice = v.strictObject({
  label: says(80),
  value: v.optional(text(200)),
  next: v.optional(id),
  flow: v.optional(id),
})
/** A condition on the lead: `field` is `name`, `email`, `phone`, `dialCode`, `status`, `tags` or `attributes.<key>`. */
const condition = v.strictObject({
  field: v.pipe(
    v.string(),
    v.regex(
      /^(name|email|phone|dialCode|status|tags|attributes\..+)$/,
      'must be a lead field or attributes.<key>',
    ),
  ),
  op: v.picklist(['equals', 'notEquals', 'contains', 'exists', 'empty', 'gt', 'lt', 'matches']),
  value: v.optional(v.union([v.string(), v.number()])),
})
const bound = v.optional(
  v.union([v.number(), v.pipe(v.string(), v.isoDate('must be a YYYY-MM-DD date'))]),
)
/** A card of a cards node. `image` is an https URL; buttons open `url` or reply like a {@link Choice}. */
const card = v.strictObject({
  title: says(120),
  text: v.optional(says(500)),
  image: v.optional(image),
  alt: v.optional(says(300)),
  buttons: v.optional(
    v.pipe(v.array(v.strictObject({ ...choice.entries, url: v.optional(https) })), v.maxLength(3)),
  ),
})

/**
 * Every chat-flow node type, by `type`: the single source of the node types (the
 * engine's types are derived from it: `FlowNode` below, `widget/core/flow.ts`).
 * Names follow the platform's chat-flow editor (the platform's help centre,
 * "Components In Chatflow": Send Information, Request Information, Trigger
 * Actions). A node's `next` names the node that follows (default: the next node
 * of its flow); its `id` is unique in the whole bot.
 *
 * Adding a node type: an entry here (and any ids it names in {@link parseConfig}'s
 * reference check), and its handler in `widget/rich/engine.ts` `nodeTypes` (the
 * compiler insists on both; CONTRIBUTING.md).
 */
export const NODES = {
  /**
   * Send Information, text: `**bold**`, `*italic*`, `[label](https://…)`; `{name}`,
   * `{attributes.key}` filled from the lead. `named` is said instead of `text` when
   * the lead already has a name (the host identified the visitor, or an earlier
   * answer gave it): the built-in greeting greets an identified visitor by name.
   */
  message: node('message', { text: says(), named: v.optional(says()) }),
  /** Send Information, image: an https URL with alternative text (required: WCAG 1.1.1). */
  image: node('image', { src: image, alt: says(300) }),
  /** Send Information, link button: `text` (optional) then a button opening `url` in a new tab. */
  link: node('link', { text: v.optional(says()), label: says(80), url: https }),
  /** Send Information, quick replies: buttons that branch; the answer is not stored unless `attribute`/`tag` say so. */
  quick: node('quick', {
    text: says(),
    options: v.pipe(v.array(choice), v.minLength(1), v.maxLength(12)),
    attribute: v.optional(id),
    tag: v.optional(v.boolean()),
  }),
  /**
   * Send Information, cards carousel. Waits for a reply when a card has a reply
   * button; `attribute` stores the chosen reply button's value.
   */
  cards: node('cards', {
    text: v.optional(says()),
    attribute: v.optional(id),
    tag: v.optional(v.boolean()),
    cards: v.pipe(v.array(card), v.minLength(1), v.maxLength(10)),
  }),
  /** A main menu: one button per listed flow (default: every other flow), named by the flow's `name`. */
  menu: node('menu', { text: says(), flows: v.optional(v.array(id)) }),
  /**
   * Request Information: the bot asks `text` and waits. `input`: `name`, `email`,
   * `phone` fill the lead fields of the same name; `number` (bounded by
   * `min`/`max`), `date` (ISO `YYYY-MM-DD`, bounded by `min`/`max` dates), `choice`
   * (one option), `multi` (several options, at least `min`, at most `max`),
   * `rating` (1–5 stars), `text`. `attribute` stores the answer as a lead
   * attribute; `tag: true` adds the answer (each chosen value) as a tag; `skip:
   * true` offers a "Skip" button. An answer that fills no lead field (an input other
   * than `name`, `email`, `phone`, with neither `attribute` nor `tag`) is stored as
   * the attribute named after the node's `id`, so it always reaches the lead. A
   * `name`, `email` or `phone` question whose field the lead already has (the
   * host's `identify`) is not asked.
   */
  ask: node('ask', {
    input: v.picklist([
      'name',
      'email',
      'phone',
      'text',
      'choice',
      'number',
      'date',
      'multi',
      'rating',
    ]),
    text: says(),
    options: v.optional(v.pipe(v.array(choice), v.minLength(1), v.maxLength(20))),
    attribute: v.optional(id),
    tag: v.optional(v.boolean()),
    skip: v.optional(v.boolean()),
    /** `number`: lowest value; `date`: earliest `YYYY-MM-DD`; `multi`: fewest options. */
    min: bound,
    /** `number`: highest value; `date`: latest `YYYY-MM-DD`; `multi`: most options. */
    max: bound,
    placeholder: v.optional(says(100)),
  }),
  /** Trigger Actions, tags: adds and removes lead tags. */
  tag: node('tag', { add: v.optional(v.array(text(100))), remove: v.optional(v.array(text(100))) }),
  /** Trigger Actions: sets attribute `key` to `value` (placeholders filled). */
  attribute: node('attribute', { key: id, value: v.pipe(v.string(), v.maxLength(1000)) }),
  /** Trigger Actions: sets the chat status (docs/platform-api.md). */
  status: node('status', { status: v.picklist(STATUSES) }),
  /** Trigger Actions: adds a note `{title, description}` (placeholders filled) to the chat. */
  note: node('note', { title: text(200), description: text() }),
  /** Trigger Actions: continues at node `to`, or at the first node of flow `flow` (exactly one of them). */
  jump: node('jump', { to: v.optional(id), flow: v.optional(id) }),
  /**
   * Branching by condition: the first rule whose conditions all hold gives the next
   * node; otherwise `else`, otherwise the following node.
   */
  branch: node('branch', {
    rules: v.array(v.strictObject({ if: v.pipe(v.array(condition), v.minLength(1)), next: id })),
    else: v.optional(id),
  }),
  /**
   * Trigger Actions, call an external API: POSTs `{uuid, botId, customerId, lead}`
   * as JSON to `url`, copies response fields to attributes (`map`: attribute key →
   * dot path in the response), continues at `next`; on an error status, invalid
   * JSON or after `timeout` ms (default 8000) continues at `onError` (default `next`).
   */
  webhook: node('webhook', {
    url: https,
    map: v.optional(v.record(id, v.pipe(v.string(), v.maxLength(200)))),
    timeout: v.optional(int(100, 30000)),
    onError: v.optional(id),
  }),
  /**
   * Trigger Actions, transfer to WhatsApp: a button opening
   * `https://wa.me/<number>?text=<text>` (the platform's help centre). `number` is
   * international digits without "+"; `text` may use `{uuid}`.
   */
  whatsapp: node('whatsapp', {
    number: v.pipe(
      v.string(),
      v.regex(/^\d{6,15}$/, 'must be 6–15 digits, international, without "+"'),
    ),
    text: v.optional(says(500)),
    label: v.optional(says(80)),
  }),
  /**
   * A/B split: continues at one of `paths`, picked at random in proportion to its
   * `weight` (default 1), e.g. to try two greetings on half the visitors each.
   * A tag or attribute node on each path records which one a visitor got.
   */
  split: node('split', {
    paths: v.pipe(
      v.array(v.strictObject({ next: id, weight: v.optional(int(1, 100)) })),
      v.minLength(2),
      v.maxLength(10),
    ),
  }),
  /**
   * Hand-off to a person (the platform's help centre, "Using Teams in Chatflows";
   * our extension: docs/platform-api.md, "Our extensions: live chat"): the bot says
   * `message` (default: the catalogue's "Let me get you a person."), the
   * conversation is sent to the inbox with a request for a person (`handoff: true`),
   * and the chat turns into a live chat: the visitor types freely and agents answer.
   * `team` names the team or department to route to. The flow ends here.
   */
  handoff: node('handoff', { team: v.optional(text(80)), message: v.optional(says()) }),
  /** Ends the chat flow, optionally saying `text`. */
  end: v.strictObject({ id, type: v.literal('end'), text: v.optional(says()) }),
}

/** Every chat-flow node type, told apart by `type`. */
const flowNode = v.variant('type', Object.values(NODES))

/** One step of a chat flow: any node of {@link NODES}, validated, in the visitor's language. */
export type FlowNode = Resolved<v.InferOutput<(typeof NODES)[keyof typeof NODES]>>
/** A reply button ({@link choice}), in the visitor's language. */
export type Choice = Resolved<v.InferOutput<typeof choice>>
/** A card of a cards node ({@link card}), in the visitor's language. */
export type Card = Resolved<v.InferOutput<typeof card>>
/** A condition of a branch node ({@link condition}). */
export type Condition = v.InferOutput<typeof condition>

const flow = v.strictObject({
  id,
  name: v.optional(says(80)),
  nodes: v.pipe(v.array(flowNode), v.minLength(1), v.maxLength(500)),
})

/** The days of a weekly range, as written in a document. */
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
/** A wall-clock time, 24-hour `HH:MM`; `end` also allows `24:00`, the end of the day. */
const time = (end: boolean) =>
  v.pipe(
    v.string(),
    end
      ? v.regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be a 24-hour time "HH:MM" (00:00–24:00)')
      : v.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time "HH:MM" (00:00–23:59)'),
  )
/** Whether `zone` is a time zone this browser knows (IANA names such as `Europe/London`, or `UTC`). */
const isTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return true
  } catch {
    return false
  }
}
/**
 * Business Hours (the platform's help centre, "Teams" → "Business Hours"; the
 * schema has no teams, so one set of hours serves the bot): when the team answers
 * in the live chat. `timeZone` is the team's IANA time zone; `weekly` lists open
 * ranges, `from` inclusive to `to` exclusive, wall-clock time in that zone (a
 * range stays within one day: `to` is later than `from`, and `24:00` is the end of
 * the day); `closed` lists dates (`YYYY-MM-DD`, in that zone) on which no range
 * applies; `message` is the text for visitors while the team is closed. Evaluated
 * by `widget/core/hours.ts` (time zones, daylight-saving days).
 */
const hours = v.strictObject({
  timeZone: v.pipe(
    v.string(),
    v.check(isTimeZone, 'must be an IANA time zone such as "Europe/London"'),
  ),
  weekly: v.pipe(
    v.array(
      v.pipe(
        v.strictObject({
          days: v.pipe(v.array(v.picklist(WEEKDAYS)), v.minLength(1), v.maxLength(7)),
          from: time(false),
          to: time(true),
        }),
        v.forward(
          v.partialCheck(
            [['from'], ['to']],
            (r) => r.to > r.from,
            'must be later than "from" (a range cannot cross midnight: split it in two)',
          ),
          ['to'],
        ),
      ),
    ),
    v.maxLength(50),
  ),
  closed: v.optional(
    v.pipe(v.array(v.pipe(v.string(), v.isoDate('must be a YYYY-MM-DD date'))), v.maxLength(500)),
    [],
  ),
  message: v.optional(says()),
})
/** Business hours with defaults filled in ({@link hours}), in the visitor's language. */
export type Hours = Resolved<v.InferOutput<typeof hours>>

/** Bot settings; every field is optional and its default is given here. */
const settings = v.strictObject({
  /** Design: colours, names, launcher and its place on the page. */
  design: v.optional(
    v.strictObject({
      /** Primary colour, `#rgb` or `#rrggbb`; text on it is black or white, whichever contrasts more. */
      primaryColor: v.optional(
        v.pipe(v.string(), v.hexColor('must be a #rrggbb colour')),
        '#4338ca',
      ),
      /** Shown in the header; default: the translated "Chat with us". */
      botName: v.optional(says(60)),
      /** https URL of the bot's avatar, shown in the header. */
      avatar: v.optional(image),
      /** `bubble` (default), `help`, or an https URL of an image. */
      launcherIcon: v.optional(v.union([v.picklist(['bubble', 'help']), image]), 'bubble'),
      position: v.optional(v.picklist(['right', 'left']), 'right'),
      /** Distance from the side, px. */
      offsetX: v.optional(int(0, 400), 20),
      /** Distance from the bottom, px. */
      offsetY: v.optional(int(0, 400), 20),
      zIndex: v.optional(int(0, 2147483647), 2147483000),
      /**
       * Colours of the chat window: `light` (default), `dark`, or `auto`, which follows
       * the visitor's system setting (`prefers-color-scheme`) and changes with it.
       * The primary colour stays as given in both.
       */
      theme: v.optional(v.picklist(['light', 'dark', 'auto']), 'light'),
      /**
       * Pacing of the bot's messages: each shows after a typing indicator of `min`
       * ms plus `perChar` ms per character, at most `max` ms; the messages said
       * together (up to the next question) wait at most `total` ms in all, and the
       * question's input shows after them. Never under `prefers-reduced-motion:
       * reduce`, for a restored conversation, or for an answer streaming in.
       * `enabled: false` shows every message at once.
       */
      pacing: v.optional(
        v.strictObject({
          enabled: v.optional(v.boolean(), true),
          min: v.optional(int(0, 2000), 400),
          perChar: v.optional(int(0, 100), 15),
          max: v.optional(int(0, 3000), 1500),
          total: v.optional(int(0, 5000), 2500),
        }),
        {},
      ),
    }),
    {},
  ),
  /** General: language (BCP 47; `data-locale` wins) and a welcome message said first. */
  general: v.optional(
    v.strictObject({
      language: v.optional(v.pipe(v.string(), v.regex(TAG, 'must be a BCP 47 tag'))),
      welcome: v.optional(says()),
    }),
    {},
  ),
  /** Alerts while the chat is closed or the tab hidden. */
  alerts: v.optional(
    v.strictObject({
      /** Unread count on the launcher. */
      badge: v.optional(v.boolean(), true),
      /** A short tone (generated, no audio file) for a bot or agent message while closed or hidden. */
      sound: v.optional(v.boolean(), false),
      /** "(1) New message" in the tab title for messages that arrive while the chat is closed or the tab hidden, until the visitor is back. */
      tabTitle: v.optional(v.boolean(), true),
    }),
    {},
  ),
  /**
   * Triggers: when the bot reaches out by itself. A trigger shows the teaser, a
   * message preview beside the launcher (widget/teaser/), never the chat window
   * uninvited; the visitor opens the chat from it or dismisses it for the tab.
   */
  triggers: v.optional(
    v.strictObject({
      /** After this many seconds on the page. */
      afterSeconds: v.optional(int(1, 3600)),
      /** Once the visitor scrolled this far down, percent. */
      scrollPercent: v.optional(int(1, 100)),
      /** When the pointer leaves through the top of the window (desktop only). */
      exitIntent: v.optional(v.boolean(), false),
      /** Only on pages whose path matches one of these patterns (`*` = any characters); empty = all pages. */
      include: patterns,
      /** Never on pages whose path matches one of these. */
      exclude: patterns,
      /** At most one trigger per browser session (tab). */
      oncePerSession: v.optional(v.boolean(), true),
      /**
       * The teaser's text, plain (no formatting, no placeholders); opening the chat
       * from the teaser has the bot say it before the flow's first message. Default:
       * the bot's first message (the welcome message, else the start flow's first
       * text), which the chat says by itself.
       */
      message: v.optional(says(TEASER_MAX_LENGTH)),
      /**
       * `teaser` (default) shows the teaser. `open` opens the chat window instead, as
       * earlier versions did, on screens at least 600 px wide only: narrower screens
       * get the teaser, as the window would cover a phone's screen uninvited.
       */
      action: v.optional(v.picklist(['teaser', 'open']), 'teaser'),
    }),
    {},
  ),
  /** User Access: where the launcher shows. */
  access: v.optional(
    v.strictObject({
      /** Show only on these path patterns; empty = everywhere. */
      showOn: patterns,
      /** Hide on these path patterns. */
      hideOn: patterns,
      /** Hide on screens narrower than 600 px. */
      hideOnMobile: v.optional(v.boolean(), false),
    }),
    {},
  ),
  /** Chat Window. */
  window: v.optional(
    v.strictObject({
      title: v.optional(says(60)),
      subtitle: v.optional(says(120)),
      placeholder: v.optional(says(60)),
      /** Width, px. */
      width: v.optional(int(300, 640), 380),
      /** Height, px (capped by the viewport). */
      height: v.optional(int(360, 900), 600),
      /** Cover the whole screen below 600 px wide. */
      fullScreenOnMobile: v.optional(v.boolean(), true),
      /** "Powered by Reekolect" under the composer. */
      branding: v.optional(v.boolean(), true),
    }),
    {},
  ),
  /** Transfer Chat to WhatsApp: a "Continue on WhatsApp" button in the header. */
  whatsapp: v.optional(
    v.strictObject({
      number: v.optional(
        v.pipe(
          v.string(),
          v.regex(/^\d{6,15}$/, 'must be 6–15 digits, international, without "+"'),
        ),
      ),
      /** Prefilled message; `{uuid}` is the visitor's reference. */
      text: v.optional(says(500), 'Hi! My chat reference is {uuid}'),
      button: v.optional(v.boolean(), false),
    }),
    {},
  ),
  /** Email Validation. */
  email: v.optional(
    v.strictObject({
      /** Offer "did you mean …@gmail.com?" for common misspellings. */
      suggest: v.optional(v.boolean(), true),
      /** Refuse free-mail domains (gmail.com, yahoo.com…). */
      businessOnly: v.optional(v.boolean(), false),
    }),
    {},
  ),
  /** Phone: the dial-code country shown first (ISO 3166-1 alpha-2); default: the locale's region, then the time zone, then the language. */
  phone: v.optional(
    v.strictObject({
      defaultCountry: v.optional(
        v.pipe(v.string(), v.regex(/^[A-Z]{2}$/, 'must be a country code like GB')),
      ),
    }),
    {},
  ),
  /** Business Hours ({@link hours}); absent: no hours. */
  hours: v.optional(hours),
  /**
   * The rating asked after a live conversation an agent took part in is closed
   * (widget/csat/), as Intercom's and Crisp's conversation ratings: five faces,
   * then an optional comment; the lead gets the attributes `csat` (1–5) and
   * `csat_comment`, and a note. `enabled` (true) turns it off; `question`
   * replaces "How was your conversation with {agent}?" (`{agent}`: the agent's
   * name): a string for every language, or a language map.
   */
  csat: v.optional(
    v.strictObject({
      enabled: v.optional(v.boolean(), true),
      question: v.optional(says(200)),
    }),
    {},
  ),
})

/** Text that must hold more than white space (an answer of spaces says nothing). */
const filled = (max: number) =>
  v.pipe(v.string(), v.regex(/\S/, 'must not be empty'), v.maxLength(max))

/**
 * One FAQ entry: `question` and its `alternatives` (other ways visitors ask it,
 * 0 or more) are what a visitor's free question is matched against; `answer` is
 * said as a bot message, with the formatting of a message node's `text`. `id` is
 * unique in the FAQ (per language, for entries with `lang`); it names the entry
 * in the transcript and the lead's attributes.
 *
 * In several languages (docs/configuration.md, "Languages"): `question`,
 * `alternatives` (a language map of lists) and `answer` may be language maps, so
 * one entry serves every language under one id; or an entry has `lang`, a BCP
 * 47 tag, and serves only visitors of that language (the fallback chain picks
 * among the FAQ's `lang`s; entries without `lang` serve every visitor).
 */
const faqItem = v.strictObject({
  id,
  lang: v.optional(language),
  question: localized(filled(300)),
  alternatives: v.optional(
    localized(v.pipe(v.array(filled(300)), v.maxLength(50)), 'a list of strings'),
    [],
  ),
  answer: localized(filled(2000)),
})
/** An FAQ entry with defaults filled in ({@link faqItem}), in the visitor's language. */
export type FaqItem = Resolved<v.InferOutput<typeof faqItem>>

/**
 * The bot's FAQ (our extension; the platform's help centre, "Train your AI chatbot
 * using frequently asked questions (FAQs)"): free questions of the visitor are
 * matched against `items` in the browser (`widget/faq`). `fallback` says what
 * follows when no entry answers: `handoff` (default: offer a person, like a
 * handoff node), `message` (leave a message) or `none` (only say so).
 */
const faq = v.strictObject({
  items: v.pipe(v.array(faqItem), v.maxLength(500)),
  fallback: v.optional(v.picklist(['handoff', 'message', 'none']), 'handoff'),
})
/** The FAQ with defaults filled in ({@link faq}), the visitor's language's entries. */
export type Faq = Resolved<v.InferOutput<typeof faq>>

/**
 * An AI answer endpoint (our extension, docs/platform-api.md "Our extensions: AI
 * answers"): free questions are POSTed to `url`, which streams the answer back;
 * no event for `timeout` ms (default 15000) gives up, as does an error. Either way
 * the bot then does what the FAQ's `fallback` says (default `handoff`).
 */
const ai = v.strictObject({
  url: https,
  timeout: v.optional(int(1000, 60000), 15000),
})
/** The AI endpoint with defaults filled in ({@link ai}). */
export type Ai = v.InferOutput<typeof ai>

/** The whole document. */
export const BotConfigSchema = v.strictObject({
  $schema: v.optional(v.string()),
  /** Format version; this widget reads 1. */
  version: v.literal(1),
  /**
   * The language of the document's language maps that visitors read when none
   * speaks theirs (docs/configuration.md, "Languages"); default:
   * `settings.general.language`, then `en`, then each map's first entry.
   */
  defaultLocale: v.optional(language),
  /** Id of the flow the chat starts with; default: the first. */
  start: v.optional(id),
  flows: v.pipe(v.array(flow), v.minLength(1), v.maxLength(50)),
  settings: v.optional(settings, {}),
  /** The FAQ ({@link faq}); absent (and no `ai`): the bot answers no free questions. */
  faq: v.optional(faq),
  /** An AI answer endpoint ({@link ai}); when set, it answers free questions instead of the FAQ. */
  ai: v.optional(ai),
})

/**
 * A validated configuration document, defaults filled in, its texts as written:
 * strings or language maps (`parseConfig`'s result; `localizeDocument` of
 * `./locale.ts` turns it into a {@link BotConfig}).
 */
export type BotDocument = v.InferOutput<typeof BotConfigSchema>
/** A validated configuration document in one visitor's language: every text a string. */
export type BotConfig = Resolved<BotDocument>
/** Bot settings with defaults filled in, in the visitor's language. */
export type Settings = BotConfig['settings']
/** The conversation rating settings with defaults filled in (`settings.csat`). */
export type CsatSettings = Settings['csat']

/** One problem of a document: where (`flows.0.nodes.3.next`) and why. */
export interface ConfigIssue {
  path: string
  message: string
}

/**
 * Validates a configuration document: the schema, then references (every `next`,
 * `to`, `flow`, `onError`, `else` and `start` names an existing node or flow; ids
 * are unique across flows; FAQ ids are unique in the FAQ, or for entries with
 * `lang` in their language).
 * @returns the document with defaults filled in and its language maps marked
 *   (`./locale.ts`), or every issue found (never throws).
 */
export function parseConfig(doc: unknown): { config: BotDocument } | { issues: ConfigIssue[] } {
  const r = v.safeParse(BotConfigSchema, doc)
  if (!r.success) {
    return {
      issues: r.issues.map((i) => ({ path: v.getDotPath(i) ?? '', message: i.message })),
    }
  }
  const config = r.output
  const issues: ConfigIssue[] = []
  const nodes = new Set<string>()
  const flows = new Set(config.flows.map((f) => f.id))
  for (const [fi, f] of config.flows.entries()) {
    for (const [ni, n] of f.nodes.entries()) {
      if (nodes.has(n.id))
        issues.push({ path: `flows.${fi}.nodes.${ni}.id`, message: `duplicate node id "${n.id}"` })
      nodes.add(n.id)
    }
  }
  /** FAQ id → the languages of its entries so far (`*`: an entry without `lang`, every language). */
  const answered = new Map<string, string[]>()
  for (const [i, item] of (config.faq?.items ?? []).entries()) {
    const lang = item.lang?.toLowerCase() ?? '*'
    const langs = answered.get(item.id) ?? []
    if (langs.includes(lang) || (langs.length && (lang === '*' || langs.includes('*'))))
      issues.push({
        path: `faq.items.${i}.id`,
        message: `duplicate FAQ id "${item.id}"${lang === '*' ? '' : ` in "${item.lang}"`}`,
      })
    answered.set(item.id, [...langs, lang])
  }
  const ref = (path: string, value: string | undefined, kind: 'node' | 'flow') => {
    if (value !== undefined && !(kind === 'node' ? nodes : flows).has(value))
      issues.push({ path, message: `unknown ${kind} "${value}"` })
  }
  ref('start', config.start, 'flow')
  for (const [fi, f] of config.flows.entries()) {
    for (const [ni, n] of f.nodes.entries()) {
      const at = `flows.${fi}.nodes.${ni}`
      if ('next' in n) ref(`${at}.next`, n.next, 'node')
      const choices = (list: { next?: string; flow?: string }[] = [], path: string) => {
        for (const [ci, c] of list.entries()) {
          ref(`${path}.${ci}.next`, c.next, 'node')
          ref(`${path}.${ci}.flow`, c.flow, 'flow')
        }
      }
      if (n.type === 'quick' || n.type === 'ask') choices(n.options, `${at}.options`)
      if (n.type === 'cards')
        for (const [ci, c] of n.cards.entries()) choices(c.buttons, `${at}.cards.${ci}.buttons`)
      if (n.type === 'jump') {
        ref(`${at}.to`, n.to, 'node')
        ref(`${at}.flow`, n.flow, 'flow')
        if (!n.to === !n.flow)
          issues.push({ path: at, message: 'a jump needs exactly one of "to" and "flow"' })
      }
      if (n.type === 'menu')
        for (const [i, id] of (n.flows ?? []).entries()) ref(`${at}.flows.${i}`, id, 'flow')
      if (n.type === 'branch') {
        for (const [ri, rule] of n.rules.entries()) ref(`${at}.rules.${ri}.next`, rule.next, 'node')
        ref(`${at}.else`, n.else, 'node')
      }
      if (n.type === 'webhook') ref(`${at}.onError`, n.onError, 'node')
      if (n.type === 'split')
        for (const [pi, path] of n.paths.entries()) ref(`${at}.paths.${pi}.next`, path.next, 'node')
      if (n.type === 'ask' && (n.input === 'choice' || n.input === 'multi') && !n.options?.length)
        issues.push({ path: `${at}.options`, message: `a ${n.input} question needs options` })
    }
  }
  return issues.length ? { issues } : { config }
}
