/**
 * The playground's inbox panel, an agent's view of the demo platform:
 * - Leads and Chats: `GET /inbox/direct/chats?type=lead|non-lead` (docs/platform-api.md,
 *   header `x-bot-token`) of the playground's bot, a page at a time, with a
 *   filter over the page;
 * - Contacts: `POST /inbox/users` (the platform's help centre) with a search, and
 *   `POST /inbox/users/import` (the platform's help centre) for two sample contacts;
 * - a detail view of any row; live refresh when the server says a lead changed
 *   (server-sent events).
 * DOM is built with createElement and textContent only: no HTML strings.
 */
import type { ChatRecord, UserRecord } from '../db'
import { $, el } from './dom'
import { BOT, CUSTOMER, TOKEN } from './ids'

/** Rows per page of both listings (PAGE_SIZE in demo/db.ts). */
const PAGE_SIZE = 20

/** The inbox's tabs: the two chat listings and the contacts. */
type View = 'lead' | 'non-lead' | 'contacts'
/** The inbox's panels: the chats (of the Leads and Chats tabs) and the contacts. */
type Panel = 'chats' | 'contacts'

/**
 * A row of either listing: a user of `POST /inbox/users` (demo/db.ts, UserRecord),
 * or a chat of `GET /inbox/direct/chats` (ChatRecord), which has no `channel` and
 * `_botWebsite`. `lastMessage` is the platform's (docs/platform-api.md); the demo
 * stores no messages, so it has none.
 */
type Row = Omit<UserRecord, 'channel' | '_botWebsite'> &
  Partial<Pick<UserRecord, 'channel' | '_botWebsite'>> & {
    lastMessage?: { at?: string; by?: string; text?: string }
  }
type Details = Row['profile']['userDetails']

/** The envelope of both listings' answers, `{success, message, data, code}`. */
interface Listing<T> {
  success: boolean
  message?: string
  data: T[]
  code: number
}

/** What the inbox shows and has loaded. */
interface InboxState {
  view: View
  page: Record<View, number>
  /** The page last loaded for each view. */
  data: Record<View, Row[]>
  /** Why the last load of each view failed (`''`: it did not). */
  error: Record<View, string>
  /** The submitted contacts search. */
  search: string
  /** `_id` of the record shown in each panel's detail view. */
  open: Record<Panel, string | null>
  /** Latest request per panel, so a slow answer never overwrites a newer one. */
  seq: Record<Panel, number>
}

const state: InboxState = {
  view: 'lead',
  page: { lead: 1, 'non-lead': 1, contacts: 1 },
  data: { lead: [], 'non-lead': [], contacts: [] },
  error: { lead: '', 'non-lead': '', contacts: '' },
  search: '',
  open: { chats: null, contacts: null },
  seq: { chats: 0, contacts: 0 },
}

/** `updatedAt` last seen per record: a row that changed since is highlighted. */
const seen = new Map<string, string>()

const NOUN: Record<View, [one: string, many: string]> = {
  lead: ['lead', 'leads'],
  'non-lead': ['chat', 'chats'],
  contacts: ['contact', 'contacts'],
}
const count = (view: View, n: number) => `${n} ${NOUN[view][n === 1 ? 0 : 1]}`

/** The view of the chats panel: the Leads or Chats tab (Leads while Contacts is shown). */
const chatView = (): Exclude<View, 'contacts'> => (state.view === 'contacts' ? 'lead' : state.view)

function phoneOf(u: Details): string {
  const p = u.contact?.phone
  if (!p?.number) return ''
  return p.prefix ? `+${p.prefix} ${p.number}` : p.number
}

function when(iso: string | null | undefined): HTMLElement {
  if (!iso) return el('span', '—', 'muted')
  const t = el('time')
  t.dateTime = iso
  t.textContent = new Date(iso).toLocaleString(undefined, {
    dateStyle: 'medium',
    timeStyle: 'short',
  })
  return t
}

function chips(tags: string[]): HTMLElement {
  const span = el('span', undefined, 'chips')
  for (const t of tags) span.append(el('span', t, 'tag'))
  return span
}

/** Where a record comes from; the chats listing is of one bot and does not say which. */
const sourceOf = (r: Row) =>
  r.channel === 'import' ? 'Imported' : `Website chat · ${r._botWebsite ?? BOT}`

/**
 * One row of a list: the name is the button that opens the detail view (a click
 * anywhere on the row does too); a short summary below as a definition list.
 */
function row(r: Row, panel: Panel): HTMLElement {
  const u = r.profile.userDetails
  const li = el('li')
  if (r.uuid) li.dataset.uuid = r.uuid
  li.dataset.id = r._id
  const stamp = seen.get(r._id)
  if (stamp !== undefined && stamp !== r.updatedAt) li.classList.add('fresh')
  seen.set(r._id, r.updatedAt)

  const head = el('div', undefined, 'row-head')
  const name = el('button', u.name || 'Anonymous visitor', 'name')
  name.setAttribute('type', 'button')
  name.addEventListener('click', () => openDetail(panel, r._id, name))
  head.append(name, el('span', r.status, `status status-${String(r.status).toLowerCase()}`))
  li.append(head)
  li.addEventListener('click', (e) => {
    // The whole row is a mouse target; text selection and inner buttons keep theirs.
    if (e.target !== name && !window.getSelection()?.toString()) name.click()
  })

  const dl = el('dl')
  const add = (k: string, v: string | Node) => {
    const dd = el('dd')
    dd.append(v)
    dl.append(el('dt', k), dd)
  }
  if (u.contact?.email) add('Email', u.contact.email)
  const phone = phoneOf(u)
  if (phone) add('Phone', phone)
  if (u.tags?.length) add('Tags', chips(u.tags))
  if (panel === 'contacts') add('Source', sourceOf(r))
  else add('UUID', r.uuid ?? '')
  const updated = when(r.updatedAt)
  add('Updated', updated)
  li.append(dl)
  return li
}

/**
 * Replaces the rows of `list`; a row's button that had focus keeps it in its new
 * copy (a live refresh must not throw a keyboard user back to the top).
 */
function replaceRows(list: HTMLElement, rows: HTMLElement[]) {
  const active = document.activeElement
  const id = active && list.contains(active) ? active.closest('li')?.dataset.id : undefined
  list.replaceChildren(...rows)
  if (id) list.querySelector<HTMLElement>(`li[data-id="${CSS.escape(id)}"] .name`)?.focus()
}

/** Whether a chat matches the page filter (name, email, phone, tags). */
function matches(r: Row, q: string): boolean {
  const u = r.profile.userDetails
  const phone = phoneOf(u)
  const hay = [u.name, u.contact?.email, phone, phone.replace(/\D/g, ''), ...(u.tags ?? [])]
    .filter(Boolean)
    .join('\n')
    .toLowerCase()
  const digits = q.replace(/[\s+().-]/g, '')
  return hay.includes(q) || (/^\d+$/.test(digits) && hay.includes(digits))
}

/**
 * Pager buttons stay focusable when unavailable (`aria-disabled`), so focus is
 * never lost when the last page is reached. `prefix` is `''` or `'contacts-'`.
 */
function pager(prefix: '' | 'contacts-', view: View) {
  const page = state.page[view]
  $(`${prefix}page`).textContent = `Page ${page}`
  $(`${prefix}prev`).setAttribute('aria-disabled', String(page <= 1))
  $(`${prefix}next`).setAttribute('aria-disabled', String(state.data[view].length < PAGE_SIZE))
}

function renderChats() {
  const view = chatView()
  const list = $('leads')
  const status = $('status')
  const q = $('filter', HTMLInputElement).value.trim().toLowerCase()
  const all = state.data[view]
  const shown = q ? all.filter((r) => matches(r, q)) : all
  replaceRows(
    list,
    shown.map((r) => row(r, 'chats')),
  )
  const page = state.page[view]
  if (state.error[view]) status.textContent = `Could not load the inbox: ${state.error[view]}`
  else if (!all.length)
    status.textContent =
      page > 1
        ? `No ${NOUN[view][1]} on page ${page}.`
        : view === 'lead'
          ? 'No leads yet: answer the bot in the preview.'
          : 'No chats without contact details.'
  else if (q)
    status.textContent = `${shown.length} of ${count(view, all.length)} on page ${page} match “${q}”.`
  else status.textContent = `${count(view, all.length)} on page ${page}.`
  pager('', view)
}

async function loadChats() {
  const view = chatView()
  const seq = ++state.seq.chats
  const q = new URLSearchParams({
    botId: BOT,
    customerId: CUSTOMER,
    page: String(state.page[view]),
    type: view,
  })
  $('chats-endpoint').textContent = `GET /inbox/direct/chats?type=${view}&page=${state.page[view]}`
  try {
    const res = await fetch(`/inbox/direct/chats?${q}`, { headers: { 'x-bot-token': TOKEN } })
    const body: Listing<ChatRecord> = await res.json()
    if (seq !== state.seq.chats) return
    if (!res.ok) throw new Error(body.message ?? `HTTP ${res.status}`)
    state.data[view] = body.data
    state.error[view] = ''
  } catch (e) {
    if (seq !== state.seq.chats) return
    state.error[view] = e instanceof Error ? e.message : String(e)
  }
  renderChats()
  refreshDetail('chats', state.data[view])
}

function renderContacts() {
  const all = state.data.contacts
  replaceRows(
    $('contacts'),
    all.map((r) => row(r, 'contacts')),
  )
  const status = $('contacts-status')
  const page = state.page.contacts
  const q = state.search
  if (state.error.contacts) status.textContent = `Could not load contacts: ${state.error.contacts}`
  else if (!all.length)
    status.textContent =
      page > 1
        ? `No contacts on page ${page}.`
        : q
          ? `No contacts match “${q}”.`
          : 'No contacts yet: import the samples or leave a lead in the chat.'
  else
    status.textContent = `${count('contacts', all.length)} on page ${page}${q ? ` matching “${q}”` : ''}.`
  pager('contacts-', 'contacts')
}

async function loadContacts() {
  const seq = ++state.seq.contacts
  try {
    const res = await fetch('/inbox/users', {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      // isContact: people with a name, email or phone (anonymous chats are under Chats).
      body: JSON.stringify({
        searchText: state.search,
        page: state.page.contacts,
        isContact: true,
      }),
    })
    const body: Listing<UserRecord> = await res.json()
    if (seq !== state.seq.contacts) return
    if (!res.ok) throw new Error(body.message ?? `HTTP ${res.status}`)
    state.data.contacts = body.data
    state.error.contacts = ''
  } catch (e) {
    if (seq !== state.seq.contacts) return
    state.error.contacts = e instanceof Error ? e.message : String(e)
  }
  renderContacts()
  refreshDetail('contacts', state.data.contacts)
}

/** Two contacts in the body shape of the platform (docs/platform-api.md). */
const SAMPLE_CONTACTS = [
  {
    profile: {
      userDetails: {
        userProvidedName: 'Grace Hopper',
        contact: { email: 'grace@example.com', phone: { number: '2025550143', prefix: '1' } },
        tags: ['Imported', 'VIP'],
        attributes: [{ key: 'company', value: 'Sunny Roofs Ltd' }],
      },
    },
  },
  {
    profile: {
      userDetails: {
        userProvidedName: 'Alan Turing',
        contact: { email: 'alan@example.com', phone: { number: '7700900123', prefix: '44' } },
        tags: ['Imported'],
        attributes: [{ key: 'plan', value: 'trial' }],
      },
    },
  },
]

async function importSamples() {
  const button = $('import', HTMLButtonElement)
  const status = $('contacts-status')
  if (button.getAttribute('aria-disabled') === 'true') return
  button.setAttribute('aria-disabled', 'true')
  status.textContent = 'Importing…'
  try {
    const res = await fetch('/inbox/users/import', {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(SAMPLE_CONTACTS),
    })
    const body: { message?: string } = await res.json()
    if (!res.ok) throw new Error(body.message ?? `HTTP ${res.status}`)
    // Show them: clear the search and go to the first page (newest first).
    $('contacts-q', HTMLInputElement).value = ''
    state.search = ''
    state.page.contacts = 1
    await loadContacts()
    status.textContent = `${body.message} ${status.textContent}`
  } catch (e) {
    status.textContent = `Import failed: ${e instanceof Error ? e.message : e}`
  } finally {
    button.setAttribute('aria-disabled', 'false')
  }
}

function section(title: string, body: Node): HTMLElement {
  const s = el('section', undefined, 'detail-section')
  s.append(el('h4', title), body)
  return s
}

/** The detail of one chat or user. */
function detail(r: Row, panel: Panel): DocumentFragment {
  const u = r.profile.userDetails
  const frag = document.createDocumentFragment()
  const back = el(
    'button',
    panel === 'contacts' ? '← All contacts' : `← All ${NOUN[state.view][1]}`,
    'btn back',
  )
  back.setAttribute('type', 'button')
  back.addEventListener('click', () => closeDetail(panel))
  const title = el('h3', u.name || 'Anonymous visitor', 'detail-title')
  title.id = `${panel}-detail-title`
  title.tabIndex = -1
  const badges = el('p', undefined, 'badges')
  badges.append(el('span', r.status, `status status-${String(r.status).toLowerCase()}`))
  badges.append(el('span', sourceOf(r), 'source'))
  frag.append(back, title, badges)

  const dl = el('dl', undefined, 'facts')
  const add = (k: string, v: string | Node | null | undefined) => {
    const dd = el('dd')
    dd.append(v === null || v === undefined || v === '' ? el('span', '—', 'muted') : v)
    dl.append(el('dt', k), dd)
  }
  add('Name', u.name)
  add('Email', u.contact?.email)
  add('Phone', phoneOf(u))
  add('Status', r.status)
  if (r.uuid) add('UUID', r.uuid)
  add('Created', when(r.createdAt))
  add('Updated', when(r.updatedAt))
  if (r.channel !== 'import') add('Last seen', when(r.lastSeenAt))
  if (r.channel !== 'import') add('Website visits', String(r.websiteVisits ?? 0))
  add('Agent', r._agentAssigned)
  frag.append(section('Contact', dl))

  frag.append(section('Tags', u.tags?.length ? chips(u.tags) : el('p', 'No tags.', 'muted')))

  if (u.attributes?.length) {
    const table = el('table', undefined, 'attributes')
    const head = el('tr')
    for (const h of ['Key', 'Value']) {
      const th = el('th', h)
      th.setAttribute('scope', 'col')
      head.append(th)
    }
    const thead = el('thead')
    thead.append(head)
    const tbody = el('tbody')
    for (const a of u.attributes) {
      const tr = el('tr')
      const th = el('th', a.key)
      th.setAttribute('scope', 'row')
      tr.append(th, el('td', a.value))
      tbody.append(tr)
    }
    table.append(thead, tbody)
    frag.append(section('Attributes', table))
  } else frag.append(section('Attributes', el('p', 'No attributes.', 'muted')))

  const notes = r.profile.notes ?? []
  if (notes.length) {
    const ul = el('ul', undefined, 'notes')
    for (const n of notes) {
      const li = el('li')
      li.append(el('strong', n.title), el('p', n.description))
      ul.append(li)
    }
    frag.append(section('Notes', ul))
  } else frag.append(section('Notes', el('p', 'No notes.', 'muted')))

  const m = r.lastMessage
  if (m?.text) {
    const p = el('p', undefined, 'last-message')
    const meta = el('span', `${m.by ?? 'unknown'} · `, 'muted')
    meta.append(when(m.at))
    p.append(el('q', m.text), el('br'), meta)
    frag.append(section('Last message', p))
  } else frag.append(section('Last message', el('p', 'None recorded.', 'muted')))
  return frag
}

const panelRecords = (panel: Panel) =>
  panel === 'contacts' ? state.data.contacts : state.data[chatView()]

/** Shows the detail of record `id` in `panel`, in place of its list; focus moves to it after a click. */
function openDetail(panel: Panel, id: string, trigger?: HTMLElement) {
  const r = panelRecords(panel).find((x) => x._id === id)
  if (!r) return
  state.open[panel] = id
  const box = $(`${panel}-detail`)
  box.replaceChildren(detail(r, panel))
  box.hidden = false
  // The list view before it, hidden while the detail shows.
  const list = box.previousElementSibling
  if (list instanceof HTMLElement) list.hidden = true
  if (trigger) $(`${panel}-detail-title`).focus()
}

function closeDetail(panel: Panel) {
  const id = state.open[panel]
  state.open[panel] = null
  const box = $(`${panel}-detail`)
  box.hidden = true
  box.replaceChildren()
  const list = box.previousElementSibling
  if (!(list instanceof HTMLElement)) return
  list.hidden = false
  // Focus returns to the row that opened it, when it is still listed.
  const again = id && list.querySelector(`li[data-id="${CSS.escape(id)}"] .name`)
  if (again instanceof HTMLElement) again.focus()
}

/** After a reload, an open detail shows the new data of its record (focus stays). */
function refreshDetail(panel: Panel, data: Row[]) {
  const id = state.open[panel]
  if (!id) return
  const r = data.find((x) => x._id === id)
  if (!r) return
  const box = $(`${panel}-detail`)
  const focused = box.contains(document.activeElement)
  box.replaceChildren(detail(r, panel))
  if (focused) $(`${panel}-detail-title`).focus()
}

function load(view: View): Promise<void> {
  return view === 'contacts' ? loadContacts() : loadChats()
}

const isView = (v: string | undefined): v is View =>
  v === 'lead' || v === 'non-lead' || v === 'contacts'

/** Selects a tab (and its panel). */
function selectTab(view: View, focus = false) {
  const before = state.view
  state.view = view
  for (const tab of document.querySelectorAll<HTMLElement>('.inbox [role="tab"]')) {
    const on = tab.dataset.view === view
    tab.setAttribute('aria-selected', String(on))
    tab.setAttribute('tabindex', on ? '0' : '-1')
    if (on && focus) tab.focus()
  }
  const chats = view !== 'contacts'
  $('panel-chats').hidden = !chats
  $('panel-contacts').hidden = chats
  if (chats) {
    $('panel-chats').setAttribute('aria-labelledby', `tab-${view}`)
    if (before !== view && state.open.chats) closeDetail('chats')
    renderChats()
  }
  void load(view)
}

function tabs() {
  const list = [...document.querySelectorAll<HTMLElement>('.inbox [role="tab"]')]
  for (const tab of list) {
    const view = tab.dataset.view
    if (!isView(view)) continue
    tab.addEventListener('click', () => selectTab(view))
    tab.addEventListener('keydown', (e) => {
      const i = list.indexOf(tab)
      const keys: Record<string, number> = {
        ArrowRight: (i + 1) % list.length,
        ArrowLeft: (i - 1 + list.length) % list.length,
        Home: 0,
        End: list.length - 1,
      }
      const to = keys[e.key]
      if (to === undefined) return
      e.preventDefault()
      const next = list[to]?.dataset.view
      if (isView(next)) selectTab(next, true)
    })
  }
}

function controls() {
  $('filter').addEventListener('input', renderChats)
  const step = (id: string, which: View | (() => View), step: number) => {
    const button = $(id)
    button.addEventListener('click', () => {
      if (button.getAttribute('aria-disabled') === 'true') return
      const view = typeof which === 'function' ? which() : which
      state.page[view] = Math.max(1, state.page[view] + step)
      void load(view)
    })
  }
  step('prev', chatView, -1)
  step('next', chatView, 1)
  step('contacts-prev', 'contacts', -1)
  step('contacts-next', 'contacts', 1)
  $('contacts-search').addEventListener('submit', (e) => {
    e.preventDefault()
    state.search = $('contacts-q', HTMLInputElement).value.trim()
    state.page.contacts = 1
    void loadContacts()
  })
  $('import').addEventListener('click', () => void importSamples())
  for (const panel of ['chats', 'contacts'] as const)
    $(`${panel}-detail`).addEventListener('keydown', (e) => {
      if (e.key === 'Escape') closeDetail(panel)
    })
}

/** Wires the inbox panel and loads the leads; reloads what is on screen when a lead changes. */
export function startInbox(): void {
  tabs()
  controls()
  void loadChats()
  new EventSource('/demo/api/events').addEventListener('lead', () => void load(state.view))
}
