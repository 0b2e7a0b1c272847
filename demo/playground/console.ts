/**
 * The playground's agent console: what an agent of the bot sees and does in the
 * platform's inbox, on the live chat endpoints of docs/platform-api.md ("Our
 * extensions: live chat"), all with header `x-bot-token` except the lead PUT:
 * - conversations from `GET /inbox/direct/chats` (both types), sorted by their
 *   last message, with unread counts and online dots, kept live by
 *   `GET /inbox/direct/agent-stream` (which also makes the bot available, with the
 *   agent's name, while it is open);
 * - the chosen conversation's transcript (`GET /inbox/direct/messages`, then the
 *   stream's `message` events), marked read with `POST /inbox/direct/read`;
 * - a reply box (`POST /inbox/direct/reply`, `POST /inbox/direct/agent-typing` at
 *   most every 3 s while typing) and "Visitor is typing…" on `typing` events;
 * - the lead's fields (with the visitor's rating of the conversation and the
 *   lead's notes) and its status, set with `PUT /inbox/direct/lead` (`x-bp-token`).
 * DOM is built with createElement and textContent only: no HTML strings.
 */
import type { EventSourceMessage } from 'eventsource-parser'
import type { ChatRecord } from '../db'
import { type AgentStream, openAgentStream } from './agent-stream'
import { $, el } from './dom'
import { BOT, CUSTOMER, TOKEN } from './ids'

/** A message of the transcript (docs/platform-api.md). */
interface Message {
  id: string
  by: 'visitor' | 'bot' | 'agent'
  text: string
  at: string
  agent?: { id: string; name: string; picture: string | null }
  /** A file the visitor sent (docs/platform-api.md, "Attachments"). */
  attachment?: { id: string; url: string; name: string; size: number; type: string }
}

/** A conversation as the console knows it: the listing row, updated by `conversation` events. */
interface Conversation {
  uuid: string
  status: string
  lastMessage: { at: string; by: string; text: string } | null
  isOnline: boolean
  unread: number
  readUpTo: string | null
  /** The chats listing row (the lead's fields), once loaded. */
  row?: ChatRecord
}

/** A chats listing row with the live fields (docs/platform-api.md, "Listing fields from live chat"). */
type ListedChat = ChatRecord &
  Partial<Pick<Conversation, 'lastMessage' | 'unread' | 'readUpTo'>> & { isOnline?: boolean }

/** The agent-typing POST is sent at most this often while the agent types (ms). */
const TYPING_EVERY_MS = 3000
/** "Visitor is typing…" stays this long after the visitor's last `typing` event (ms). */
const TYPING_SHOWN_MS = 5000
/** Pages of each listing type read on a refresh (20 rows each, demo/db.ts). */
const MAX_PAGES = 5
/** The statuses the console offers (the lead PUT's, docs/platform-api.md). */
const STATUS_LABEL: Record<string, string> = {
  OPEN: 'Open',
  INPROGRESS: 'In progress',
  REVIEW: 'Review',
  ONHOLD: 'On hold',
  DEPENDANCY: 'Dependancy',
  CLOSED: 'Closed',
}

const conversations = new Map<string, Conversation>()
let selected: string | null = null
let transcript: Message[] = []
/** Request number of the latest transcript load, so a slow answer never overwrites a newer one. */
let transcriptSeq = 0
/** Until when (ms since epoch) each visitor shows as typing. */
const typingUntil = new Map<string, number>()
let typingTimer: ReturnType<typeof setTimeout> | undefined
let lastTypingSent = 0
let stream: AgentStream | null = null

const agentHeaders = { 'x-bot-token': TOKEN, 'content-type': 'application/json' }

/** The agent at the console: the name field, and an id made from it (`agent-sam`). */
function agent(): { id: string; name: string } {
  const name = $('agent-name', HTMLInputElement).value.trim() || 'Sam'
  const slug = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^\w-]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return { id: `agent-${slug || 'agent'}`.slice(0, 128), name: name.slice(0, 100) }
}

const nameOf = (c: Pick<Conversation, 'uuid' | 'row'>) =>
  c.row?.profile.userDetails.name || `Visitor ${c.uuid.slice(0, 8)}`

/** A `<time>`: the local time, with the date when `withDate` or when it is not today. */
const timeOf = (iso: string, withDate = false): HTMLTimeElement => {
  const t = el('time')
  t.dateTime = iso
  const d = new Date(iso)
  t.textContent =
    withDate || d.toDateString() !== new Date().toDateString()
      ? d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
      : d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
  t.title = d.toLocaleString()
  return t
}

/** A `POST` with the agent's token; the answer's `message` on failure. */
async function post(path: string, body: unknown): Promise<unknown> {
  const res = await fetch(path, {
    method: 'POST',
    headers: agentHeaders,
    body: JSON.stringify(body),
  })
  const json = (await res.json().catch(() => ({}))) as { message?: string; data?: unknown }
  if (!res.ok) throw new Error(json.message ?? `HTTP ${res.status}`)
  return json.data
}

const key = (uuid: string) => ({ uuid, botId: BOT, customerId: CUSTOMER })

// --- the list

const sortKey = (c: Conversation) => c.lastMessage?.at ?? c.row?.updatedAt ?? ''

function renderList() {
  const list = $('conversations')
  const all = [...conversations.values()].sort((a, b) => sortKey(b).localeCompare(sortKey(a)))
  const active = document.activeElement
  const focusUuid =
    active instanceof HTMLElement && list.contains(active) ? active.dataset.uuid : undefined
  list.replaceChildren(
    ...all.map((c) => {
      const li = el('li')
      const b = el('button', undefined, 'conversation-item')
      b.type = 'button'
      b.dataset.uuid = c.uuid
      if (c.uuid === selected) b.setAttribute('aria-current', 'true')
      const head = el('span', undefined, 'item-head')
      const dot = el('span', undefined, c.isOnline ? 'dot online' : 'dot')
      dot.setAttribute('aria-hidden', 'true')
      head.append(dot, el('span', nameOf(c), 'item-name'))
      head.append(el('span', c.isOnline ? ', online' : ', offline', 'sr-only'))
      if (c.unread > 0) {
        const badge = el('span', String(c.unread), 'unread')
        badge.append(el('span', ' unread', 'sr-only'))
        head.append(badge)
      }
      const meta = el('span', undefined, 'item-meta')
      meta.append(el('span', STATUS_LABEL[c.status] ?? c.status, 'item-status'))
      if (c.lastMessage) meta.append(' · ', timeOf(c.lastMessage.at))
      const last = el('span', c.lastMessage?.text ?? 'No messages yet', 'item-last')
      b.append(head, meta, last)
      b.addEventListener('click', () => void select(c.uuid))
      li.append(b)
      return li
    }),
  )
  if (focusUuid)
    list.querySelector<HTMLElement>(`button[data-uuid="${CSS.escape(focusUuid)}"]`)?.focus()
  const n = all.length
  $('conversations-status').textContent = n
    ? `${n} conversation${n === 1 ? '' : 's'}, ${all.filter((c) => c.unread > 0).length} with unread messages.`
    : 'No conversations yet: chat in the preview.'
}

/** Merges a listing row or a `conversation` event into the known conversation. */
function upsert(uuid: string, patch: Partial<Conversation>) {
  const old = conversations.get(uuid)
  const next: Conversation = {
    uuid,
    status: 'OPEN',
    lastMessage: null,
    isOnline: false,
    unread: 0,
    readUpTo: null,
    ...old,
    ...patch,
  }
  conversations.set(uuid, next)
}

let listingSeq = 0
/** Reads both listing types (up to {@link MAX_PAGES} pages each) and renders. */
async function loadListing() {
  const seq = ++listingSeq
  const rows: ListedChat[] = []
  try {
    for (const type of ['lead', 'non-lead']) {
      for (let page = 1; page <= MAX_PAGES; page++) {
        const q = new URLSearchParams({
          botId: BOT,
          customerId: CUSTOMER,
          page: String(page),
          type,
        })
        const res = await fetch(`/inbox/direct/chats?${q}`, { headers: { 'x-bot-token': TOKEN } })
        const body = (await res.json()) as { data?: ListedChat[]; message?: string }
        if (!res.ok || !body.data) throw new Error(body.message ?? `HTTP ${res.status}`)
        rows.push(...body.data)
        if (body.data.length < 20) break
      }
    }
  } catch (e) {
    if (seq === listingSeq)
      $('conversations-status').textContent =
        `Could not load the conversations: ${e instanceof Error ? e.message : e}`
    return
  }
  if (seq !== listingSeq) return
  for (const r of rows)
    upsert(r.uuid, {
      row: r,
      status: r.status,
      lastMessage: r.lastMessage ?? null,
      isOnline: r.isOnline ?? false,
      unread: r.unread ?? 0,
      readUpTo: r.readUpTo ?? null,
    })
  renderList()
  renderLead()
}

let listingTimer: ReturnType<typeof setTimeout> | undefined
/** A listing reload soon (several triggers in a row cost one). */
function reloadListingSoon() {
  clearTimeout(listingTimer)
  listingTimer = setTimeout(() => void loadListing(), 200)
}

// --- the transcript

/**
 * A file the visitor sent: a link that opens it in a new tab (a PDF downloads:
 * the inbox serves it as an attachment), with a thumbnail for an image, its type
 * and size.
 */
function fileLink(a: NonNullable<Message['attachment']>): HTMLAnchorElement {
  const link = el('a', undefined, 'msg-file')
  link.href = a.url
  link.target = '_blank'
  link.rel = 'noopener noreferrer'
  if (a.type.startsWith('image/')) {
    const img = el('img')
    img.src = a.url
    img.alt = `Image sent by the visitor: ${a.name}`
    link.append(img)
  }
  const kb =
    a.size < 1e6 ? `${Math.max(1, Math.round(a.size / 1e3))} kB` : `${(a.size / 1e6).toFixed(1)} MB`
  link.append(el('span', `Open ${a.name} (${a.type.split('/')[1]?.toUpperCase()}, ${kb})`))
  return link
}

function renderTranscript() {
  const box = $('transcript')
  const list = $('transcript-list')
  const stick = box.scrollHeight - box.scrollTop - box.clientHeight < 40
  const shown = new Set([...list.children].map((li) => (li as HTMLElement).dataset.id))
  // Appends what is new (the live region then announces only that); a reload rebuilds.
  const fresh = transcript.every((m, i) => i >= list.children.length || shown.has(m.id))
  if (!fresh) list.replaceChildren()
  for (const m of transcript) {
    if (fresh && shown.has(m.id)) continue
    const li = el('li', undefined, `msg msg-${m.by}`)
    li.dataset.id = m.id
    const meta = el('span', undefined, 'msg-meta')
    const who = m.by === 'agent' ? (m.agent?.name ?? 'Agent') : m.by === 'bot' ? 'Bot' : 'Visitor'
    meta.append(el('span', who, 'msg-who'), ' ', timeOf(m.at))
    li.append(meta, el('p', m.text, 'msg-text'))
    if (m.attachment) li.append(fileLink(m.attachment))
    list.append(li)
  }
  if (stick || !fresh) box.scrollTop = box.scrollHeight
}

/** Adds a message of the chosen conversation once (the stream and the reply answer both bring agent replies). */
function addMessage(m: Message) {
  if (transcript.some((x) => x.id === m.id)) return
  transcript.push(m)
  renderTranscript()
}

/** Marks the chosen conversation read up to its last message, when that is past the mark. */
async function markRead() {
  const uuid = selected
  const last = transcript.at(-1)
  const c = uuid ? conversations.get(uuid) : undefined
  if (!uuid || !last || !c || c.readUpTo === last.id) return
  if (document.visibilityState === 'hidden') return
  c.readUpTo = last.id
  c.unread = 0
  renderList()
  try {
    await post('/inbox/direct/read', { ...key(uuid), upTo: last.id })
  } catch (e) {
    $('reply-status').textContent = `Could not mark as read: ${e instanceof Error ? e.message : e}`
  }
}

async function loadTranscript(uuid: string) {
  const seq = ++transcriptSeq
  const q = new URLSearchParams(key(uuid))
  try {
    const res = await fetch(`/inbox/direct/messages?${q}`, { headers: { 'x-bot-token': TOKEN } })
    const body = (await res.json()) as { data?: Message[]; message?: string }
    if (!res.ok || !body.data) throw new Error(body.message ?? `HTTP ${res.status}`)
    if (seq !== transcriptSeq) return
    // Stream messages that arrived during the request stay (they follow the history).
    const ids = new Set(body.data.map((m) => m.id))
    transcript = [...body.data, ...transcript.filter((m) => !ids.has(m.id))]
  } catch (e) {
    if (seq !== transcriptSeq) return
    $('reply-status').textContent =
      `Could not load the transcript: ${e instanceof Error ? e.message : e}`
    return
  }
  renderTranscript()
  void markRead()
}

async function select(uuid: string) {
  if (selected === uuid) return
  selected = uuid
  transcript = []
  $('transcript-list').replaceChildren()
  $('transcript').hidden = false
  $('transcript-empty').hidden = true
  $('reply-form').hidden = false
  $('lead-status-box').hidden = false
  $('reply-status').textContent = ''
  $('transcript-title').textContent = `Transcript: ${nameOf(conversations.get(uuid) ?? { uuid })}`
  renderList()
  renderLead()
  renderTyping()
  await loadTranscript(uuid)
}

// --- the lead beside it

function renderLead() {
  const box = $('lead-fields')
  const c = selected ? conversations.get(selected) : undefined
  if (!c) {
    box.replaceChildren(el('p', 'No conversation chosen.', 'muted'))
    return
  }
  const select = $('lead-status', HTMLSelectElement)
  if (![...select.options].some((o) => o.value === c.status))
    select.append(new Option(STATUS_LABEL[c.status] ?? c.status, c.status))
  if (document.activeElement !== select) select.value = c.status
  const u = c.row?.profile.userDetails
  const dl = el('dl', undefined, 'facts')
  const add = (k: string, v: string | Node | null | undefined) => {
    const dd = el('dd')
    dd.append(v === null || v === undefined || v === '' ? el('span', '—', 'muted') : v)
    dl.append(el('dt', k), dd)
  }
  const phone = u?.contact.phone.number
    ? `${u.contact.phone.prefix ? `+${u.contact.phone.prefix} ` : ''}${u.contact.phone.number}`
    : ''
  add('Name', u?.name)
  add('Email', u?.contact.email)
  add('Phone', phone)
  add('Online', c.isOnline ? 'Yes' : 'No')
  add('Last seen', c.row?.lastSeenAt ? timeOf(c.row.lastSeenAt, true) : null)
  add('Website visits', c.row ? String(c.row.websiteVisits) : null)
  add('Agent', c.row?._agentAssigned)
  add('Tags', u?.tags.length ? u.tags.join(', ') : null)
  // The visitor's rating of the conversation (widget/csat/: attributes csat and csat_comment).
  const attr = (key: string) => u?.attributes.find((a) => a.key === key)?.value
  const score = Number(attr('csat'))
  if (Number.isInteger(score) && score >= 1 && score <= 5) {
    const comment = attr('csat_comment')
    add(
      'Rating',
      `${'★'.repeat(score)}${'☆'.repeat(5 - score)} ${score}/5${comment ? ` — ${comment}` : ''}`,
    )
  }
  for (const a of u?.attributes ?? []) add(a.key, a.value)
  for (const n of c.row?.profile.notes ?? []) add(`Note: ${n.title}`, n.description)
  add('UUID', c.uuid)
  box.replaceChildren(dl)
}

async function setStatus(status: string) {
  const uuid = selected
  const note = $('lead-status-note')
  if (!uuid) return
  note.textContent = 'Saving…'
  try {
    const res = await fetch('/inbox/direct/lead', {
      method: 'PUT',
      headers: { 'x-bp-token': TOKEN, 'content-type': 'application/json' },
      body: JSON.stringify({ ...key(uuid), status }),
    })
    const body = (await res.json().catch(() => ({}))) as { message?: string }
    if (!res.ok) throw new Error(body.message ?? `HTTP ${res.status}`)
    upsert(uuid, { status })
    note.textContent = `Status set to ${STATUS_LABEL[status] ?? status}.`
    renderList()
  } catch (e) {
    note.textContent = `Could not set the status: ${e instanceof Error ? e.message : e}`
  }
}

// --- typing both ways

function renderTyping() {
  clearTimeout(typingTimer)
  const until = selected ? (typingUntil.get(selected) ?? 0) : 0
  const left = until - Date.now()
  const line = $('visitor-typing')
  const text = left > 0 ? 'Visitor is typing…' : ''
  if (line.textContent !== text) line.textContent = text
  if (left > 0) typingTimer = setTimeout(renderTyping, left)
}

function agentTyping() {
  const uuid = selected
  const now = Date.now()
  if (!uuid || now - lastTypingSent < TYPING_EVERY_MS) return
  lastTypingSent = now
  post('/inbox/direct/agent-typing', { ...key(uuid), agent: agent() }).catch(() => {
    // A lost typing hint is harmless; the reply itself reports its errors.
  })
}

async function sendReply() {
  const uuid = selected
  const area = $('reply-text', HTMLTextAreaElement)
  const status = $('reply-status')
  const text = area.value
  if (!uuid) return
  if (!text.trim()) {
    status.textContent = 'Write a reply first.'
    return
  }
  status.textContent = 'Sending…'
  try {
    const m = (await post('/inbox/direct/reply', { ...key(uuid), text, agent: agent() })) as Message
    area.value = ''
    status.textContent = ''
    lastTypingSent = 0
    if (selected === uuid) {
      addMessage(m)
      void markRead()
    }
  } catch (e) {
    status.textContent = `Not sent: ${e instanceof Error ? e.message : e}`
  }
}

// --- the stream

function onEvent(e: EventSourceMessage) {
  let data: unknown
  try {
    data = JSON.parse(e.data)
  } catch {
    return
  }
  if (e.event === 'message') {
    const m = data as Message & { uuid: string }
    typingUntil.delete(m.uuid)
    const { uuid, ...message } = m
    if (!conversations.has(uuid)) reloadListingSoon()
    upsert(uuid, { lastMessage: { at: m.at, by: m.by, text: m.text } })
    if (uuid === selected) {
      addMessage(message)
      renderTyping()
      void markRead()
    }
    renderList()
  } else if (e.event === 'conversation') {
    const c = data as Omit<Conversation, 'row'> &
      Pick<ChatRecord, '_agentAssigned' | 'websiteVisits'> & { lastSeenAt: string | null }
    if (!conversations.has(c.uuid)) reloadListingSoon()
    const row = conversations.get(c.uuid)?.row
    // The row's live fields, so the lead beside the transcript stays current.
    if (row)
      Object.assign(row, {
        status: c.status,
        _agentAssigned: c._agentAssigned,
        websiteVisits: c.websiteVisits,
        isOnline: c.isOnline,
        ...(c.lastSeenAt && { lastSeenAt: c.lastSeenAt }),
      })
    const mine =
      c.uuid === selected && transcript.at(-1)?.id === conversations.get(c.uuid)?.readUpTo
    upsert(c.uuid, {
      status: c.status,
      lastMessage: c.lastMessage,
      isOnline: c.isOnline,
      // The console already read what it shows; the server's count catches up with its POST.
      unread: mine ? 0 : c.unread,
      readUpTo: mine ? (conversations.get(c.uuid)?.readUpTo ?? c.readUpTo) : c.readUpTo,
    })
    renderList()
    if (c.uuid === selected) renderLead()
  } else if (e.event === 'typing') {
    const t = data as { uuid: string }
    typingUntil.set(t.uuid, Date.now() + TYPING_SHOWN_MS)
    if (t.uuid === selected) renderTyping()
  }
}

/** Whether the bot is available now (`GET /demo/api/agents`: consoles and the demo override). */
async function showAvailability(name: string) {
  const presence = $('console-presence')
  try {
    const res = await fetch(
      `/demo/api/agents?${new URLSearchParams({ botId: BOT, customerId: CUSTOMER })}`,
    )
    const a = (await res.json()) as { online: boolean; override: unknown }
    presence.dataset.state = a.online ? 'online' : 'offline'
    presence.textContent = a.online
      ? `Online as ${name}: the bot is available, visitors who ask for a person reach you.`
      : `Connected as ${name}, but the bot shows as offline${a.override ? ' (a demo override)' : ''}.`
  } catch {
    presence.dataset.state = 'online'
    presence.textContent = `Online as ${name}.`
  }
}

function connect() {
  const presence = $('console-presence')
  let opened = false
  stream = openAgentStream({
    url: () => {
      const a = agent()
      return `/inbox/direct/agent-stream?${new URLSearchParams({ botId: BOT, customerId: CUSTOMER, agentId: a.id, agentName: a.name })}`
    },
    headers: { 'x-bot-token': TOKEN },
    onEvent,
    onState(s) {
      if (s.state === 'connecting') {
        presence.dataset.state = 'connecting'
        presence.textContent = opened ? 'Reconnecting…' : 'Connecting…'
      } else if (s.state === 'open') {
        // A reconnection may have missed conversation events: read the listing again.
        if (opened) {
          void loadListing()
          if (selected) void loadTranscript(selected)
        }
        opened = true
        void showAvailability(agent().name)
      } else {
        presence.dataset.state = 'offline'
        presence.textContent = `Offline (${s.reason}): reconnecting in ${Math.ceil(s.retryInMs / 1000)} s.`
      }
    },
  })
}

/** Wires the agent console: loads the conversations and connects the agent stream. */
export function startConsole(): void {
  const name = $('agent-name', HTMLInputElement)
  let announced = agent().name
  const rename = () => {
    // An empty name is not sent: the console stays online as "Sam" and says so.
    const empty = !name.value.trim()
    name.setAttribute('aria-invalid', String(empty))
    $('agent-name-hint').textContent = empty
      ? 'Enter a name: replies go out as Sam until then.'
      : 'Enter or leaving the field applies it.'
    if (agent().name === announced) return
    announced = agent().name
    stream?.restart()
  }
  name.addEventListener('change', rename)
  name.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') rename()
  })

  const area = $('reply-text', HTMLTextAreaElement)
  area.addEventListener('input', agentTyping)
  area.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || e.shiftKey || e.isComposing) return
    e.preventDefault()
    void sendReply()
  })
  $('reply-form').addEventListener('submit', (e) => {
    e.preventDefault()
    void sendReply()
  })
  $('lead-status').addEventListener('change', (e) => {
    void setStatus((e.target as HTMLSelectElement).value)
  })
  // A lead PUT elsewhere (the preview's visitor) changes the fields beside the transcript.
  new EventSource('/demo/api/events').addEventListener('lead', reloadListingSoon)
  document.addEventListener('visibilitychange', () => void markRead())
  void loadListing()
  connect()
}
