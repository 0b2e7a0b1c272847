// @ts-check
/**
 * The playground's inbox panel: lists the bot's chats from the platform API
 * (`GET /inbox/direct/chats`, seed 001) and refreshes when the demo server says a
 * lead changed (server-sent events). DOM is built with textContent only.
 */
const BOT = 'demo-bot'
const CUSTOMER = 'demo-customer'
const TOKEN = 'demo-token'

/** @param {string} tag @param {string} [text] @param {string} [cls] */
function el(tag, text, cls) {
  const e = document.createElement(tag)
  if (text !== undefined) e.textContent = text
  if (cls) e.className = cls
  return e
}

const seen = new Map()

/** @param {any} chat */
function card(chat) {
  const u = chat.profile.userDetails
  const li = el('li')
  li.dataset.uuid = chat.uuid
  const stamp = seen.get(chat.uuid)
  if (stamp !== undefined && stamp !== chat.updatedAt) li.className = 'fresh'
  seen.set(chat.uuid, chat.updatedAt)
  li.append(el('div', u.name || 'Anonymous visitor', 'name'))
  const dl = el('dl')
  /** @param {string} k @param {string | Node} v */
  const row = (k, v) => {
    const dd = el('dd')
    dd.append(v)
    dl.append(el('dt', k), dd)
  }
  if (u.contact.email) row('Email', u.contact.email)
  if (u.contact.phone.number) row('Phone', `+${u.contact.phone.prefix} ${u.contact.phone.number}`)
  if (u.tags.length) {
    const tags = el('span')
    for (const t of u.tags) tags.append(el('span', t, 'tag'))
    row('Tags', tags)
  }
  for (const a of u.attributes) row(a.key, a.value)
  row('Status', chat.status)
  row('UUID', chat.uuid)
  row('Updated', new Date(chat.updatedAt).toLocaleTimeString())
  li.append(dl)
  return li
}

async function refresh() {
  const type = /** @type {HTMLSelectElement} */ (document.getElementById('type')).value
  const status = /** @type {HTMLElement} */ (document.getElementById('status'))
  const list = /** @type {HTMLElement} */ (document.getElementById('leads'))
  try {
    const q = new URLSearchParams({ botId: BOT, customerId: CUSTOMER, page: '1', type })
    const res = await fetch(`/inbox/direct/chats?${q}`, { headers: { 'x-bot-token': TOKEN } })
    const body = await res.json()
    list.replaceChildren(...body.data.map(card))
    status.textContent = body.data.length
      ? `${body.data.length} ${type === 'lead' ? 'lead(s)' : 'chat(s) without contact details'}`
      : type === 'lead'
        ? 'No leads yet: open the chat at the bottom right.'
        : 'No chats without contact details.'
  } catch (e) {
    status.textContent = `Could not load the inbox: ${e}`
  }
}

async function faults() {
  const select = /** @type {HTMLSelectElement} */ (document.getElementById('fault'))
  const res = await fetch('/demo/api/fault')
  const { fault, faults } = await res.json()
  for (const f of faults)
    select.append(new Option(f === 'none' ? 'none (healthy)' : f, f, false, f === fault))
  select.addEventListener('change', () =>
    fetch('/demo/api/fault', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fault: select.value }),
    }),
  )
}

function snippet() {
  const tag = document.getElementById('Reekolect-messenger-widget')
  const pre = /** @type {HTMLElement} */ (document.getElementById('snippet'))
  if (tag) pre.textContent = tag.outerHTML.replace(/\s+/g, ' ').replace('> ', '>')
}

snippet()
void faults()
void refresh()
document.getElementById('type')?.addEventListener('change', refresh)
new EventSource('/demo/api/events').addEventListener('lead', () => void refresh())
