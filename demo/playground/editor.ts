/**
 * The editor of the bot configuration document (docs/configuration.md, "Bot
 * configuration document"):
 * - a picker: the built-in flow (no document: `DELETE /demo/api/config/:bot`), the
 *   bot's saved document, or a template (`GET /demo/templates/:name.json`, applied
 *   at once);
 * - a Design form bound to `settings` and the whole document as JSON, kept in sync;
 * - Apply, and auto-apply 600 ms after the last change: `PUT /demo/api/config/:bot`,
 *   validated by the server with the widget's own schema. Its issues, and JSON
 *   syntax errors, are listed next to the editor with their path and line; an
 *   invalid document is not saved, so the preview keeps the last valid one.
 */
import type { ConfigIssue } from '../../widget/config/schema'
import { $, button, el } from './dom'
import { BOT } from './ids'
import { isRecord, lineOf, locate, pretty, scan } from './jsontext'
import type { Log } from './log'

/** Auto-apply delay after the last keystroke, ms. */
const IDLE_MS = 600
/** Option value of the bot's saved document in the picker. */
const SAVED = '@saved'
const DEFAULT_COLOR = '#4338ca'

/**
 * A problem of the document: a schema issue of the server (`PUT
 * /demo/api/config/:botId` answers the widget's own `parseConfig` issues) or a
 * JSON syntax error at offset `pos`; `label` replaces the path in the list.
 */
interface Issue extends ConfigIssue {
  pos?: number
  label?: string
}

/** What the editor tells the rest of the playground. */
export interface EditorHooks {
  log: Log['add']
  /** The document the preview runs changed (`null`: the built-in flow). */
  onDocument(doc: unknown): void
  /** A document was saved or removed: restart the preview. */
  onApplied(): void
}

/** The answer of `PUT /demo/api/config/:botId` (demo/routes/demo-api.ts) that is not a success. */
interface Refusal {
  issues?: Issue[]
  message?: string
}

const doc = $('doc', HTMLTextAreaElement)
const gutter = $('doc-lines')
const picker = $('template', HTMLSelectElement)
const fields = $('design-fields', HTMLFieldSetElement)
const applyButton = $('apply')
const status = $('apply-status')
const problems = $('problems')

let mode: 'builtin' | 'document' = 'builtin'
/** The document last saved on the server, as sent (compact JSON), to skip unchanged applies. */
let saved = ''
let timer = 0
let seq = 0

const say = (text: string) => {
  status.textContent = text
}
const time = () => new Date().toLocaleTimeString(undefined, { hour12: false })

/** `lead-capture` → `Lead capture` */
const title = (name: string) => {
  const words = name.replace(/[-_]+/g, ' ')
  return words.charAt(0).toUpperCase() + words.slice(1)
}

// --- Line numbers --------------------------------------------------------------------

/** Lines with a problem, marked in the gutter. */
let badLines = new Set<number>()
function drawGutter() {
  const n = mode === 'document' ? doc.value.split('\n').length : 0
  const rows = []
  for (let i = 1; i <= n; i++) rows.push(el('div', String(i), badLines.has(i) ? 'bad' : undefined))
  gutter.replaceChildren(...rows)
  gutter.scrollTop = doc.scrollTop
}
doc.addEventListener('scroll', () => {
  gutter.scrollTop = doc.scrollTop
})

// --- Design form ⇄ document ----------------------------------------------------------

/** Text inputs bound to `settings.<section>.<key>`: an empty value removes the key. */
const TEXTS: (HTMLInputElement | HTMLTextAreaElement)[] = [
  $('d-bot-name', HTMLInputElement),
  $('d-welcome', HTMLTextAreaElement),
  $('d-title', HTMLInputElement),
  $('d-subtitle', HTMLInputElement),
  $('d-whatsapp', HTMLInputElement),
]
const color = $('d-color', HTMLInputElement)
const colorValue = $('d-color-value')
const branding = $('d-branding', HTMLInputElement)
const positions = [...document.querySelectorAll<HTMLInputElement>('input[name="position"]')]

// Business hours (`settings.hours`): the form edits the time zone and the first weekly range.
const hoursBox = $('d-hours', HTMLFieldSetElement)
const hoursOn = $('d-hours-on', HTMLInputElement)
const hoursRange = $('d-hours-range', HTMLFieldSetElement)
const hoursZone = $('d-hours-zone', HTMLInputElement)
const hoursFrom = $('d-hours-from', HTMLInputElement)
const hoursTo = $('d-hours-to', HTMLInputElement)
const hoursDays = [...document.querySelectorAll<HTMLInputElement>('input[name="hours-day"]')]
/** The browser's time zone: the default of new business hours. */
const HERE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
// Suggestions for the time zone field: every IANA name this browser knows.
$('d-zones', HTMLDataListElement).replaceChildren(
  ...(Intl.supportedValuesOf?.('timeZone') ?? [HERE]).map((zone) => {
    const option = el('option')
    option.value = zone
    return option
  }),
)

/** `settings.<section>.<key>` of a form control, from its `data-path` (`design.botName`). */
type SettingPath = [section: string, key: string]
const pathOf = (input: HTMLElement): SettingPath => {
  const [section = '', key = ''] = input.dataset.path?.split('.') ?? []
  return [section, key]
}

/** The document being edited: what the JSON parses to (`null` while it does not parse). */
let current: unknown = null

/** `settings`, when the document has a form-editable shape. */
const settingsOf = (d: unknown): Record<string, unknown> | undefined =>
  isRecord(d) && (d.settings === undefined || isRecord(d.settings)) ? (d.settings ?? {}) : undefined

function formOff(text: string) {
  const note = $('design-off')
  note.textContent = text
  note.hidden = !text
  fields.disabled = !!text
}

/** Shows the document's settings in the form (the form follows the JSON). */
function fillForm(d: unknown) {
  for (const listen of listeners) listen(mode === 'document' ? d : null)
  const s = settingsOf(d)
  if (mode !== 'document') return formOff('The built-in flow has no settings: choose a template.')
  if (!s) return formOff('The JSON is not a document yet: the form waits for it.')
  for (const section of ['design', 'general', 'window', 'whatsapp', 'hours'])
    if (s[section] !== undefined && !isRecord(s[section]))
      return formOff(`"settings.${section}" is not an object: fix it in the JSON.`)
  formOff('')
  const get = ([section, key]: SettingPath) => {
    const values = s[section]
    return isRecord(values) ? values[key] : undefined
  }
  for (const input of TEXTS) {
    const v = get(pathOf(input))
    input.value = typeof v === 'string' ? v : ''
  }
  const c = get(['design', 'primaryColor'])
  const hex =
    typeof c === 'string' && /^#[0-9a-f]{3}$/i.test(c)
      ? c.replace(/\w/g, (x) => x + x)
      : typeof c === 'string' && /^#[0-9a-f]{6}$/i.test(c)
        ? c
        : DEFAULT_COLOR
  color.value = hex.toLowerCase()
  colorValue.textContent = typeof c === 'string' ? c : `${DEFAULT_COLOR} (default)`
  const position = get(['design', 'position']) === 'left' ? 'left' : 'right'
  for (const r of positions) r.checked = r.value === position
  branding.checked = get(['window', 'branding']) !== false
  fillHours(s.hours)
}

/** Shows `settings.hours` (absent: off): its time zone and first weekly range. */
function fillHours(hours: unknown) {
  const on = isRecord(hours)
  const h = on ? hours : {}
  const first = Array.isArray(h.weekly) && isRecord(h.weekly[0]) ? h.weekly[0] : {}
  const days = Array.isArray(first.days) ? first.days : []
  hoursOn.checked = on
  hoursRange.disabled = !on
  hoursZone.value = typeof h.timeZone === 'string' ? h.timeZone : ''
  for (const box of hoursDays) box.checked = days.includes(box.value)
  hoursFrom.value = typeof first.from === 'string' ? first.from : ''
  hoursTo.value = typeof first.to === 'string' ? first.to : ''
}

/**
 * `settings.hours` from the form: off removes it; on keeps what the form does not
 * show (more ranges, dates closed, the message) and sets the time zone and the
 * first range. Switched on, empty fields get a week of 09:00–17:00 in the
 * browser's time zone.
 */
function hoursOfForm(previous: unknown): Record<string, unknown> | undefined {
  if (!hoursOn.checked) return undefined
  const was = isRecord(previous) ? previous : {}
  if (!isRecord(previous)) {
    hoursZone.value ||= HERE
    if (!hoursDays.some((b) => b.checked))
      for (const b of hoursDays) b.checked = !['sat', 'sun'].includes(b.value)
    hoursFrom.value ||= '09:00'
    hoursTo.value ||= '17:00'
  }
  const weekly = Array.isArray(was.weekly) ? [...was.weekly] : []
  weekly[0] = {
    days: hoursDays.filter((b) => b.checked).map((b) => b.value),
    from: hoursFrom.value.trim(),
    to: hoursTo.value.trim(),
  }
  return { ...was, timeZone: hoursZone.value.trim(), weekly }
}

/**
 * Sets (or, with `undefined`, removes) `settings.<section>.<key>` of the current
 * document; a section left empty by a removal goes too. (The form is off while
 * `settings` or the section is there but not an object.)
 */
function setSetting([section, key]: SettingPath, value: unknown) {
  if (!isRecord(current)) return
  if (current.settings === undefined) current.settings = {}
  const s = current.settings
  if (!isRecord(s)) return
  if (value === undefined) {
    const values = s[section]
    if (!isRecord(values)) return
    delete values[key]
    if (!Object.keys(values).length) delete s[section]
  } else {
    if (s[section] === undefined) s[section] = {}
    const values = s[section]
    if (isRecord(values)) values[key] = value
  }
}

/** A form control changed: update the document, rewrite the JSON, schedule an apply. */
function onFormInput(e: Event) {
  const input = e.target
  if (!(input instanceof HTMLInputElement || input instanceof HTMLTextAreaElement)) return
  if (!isRecord(current)) return
  if (hoursBox.contains(input)) {
    if (current.settings === undefined) current.settings = {}
    const settings = current.settings
    if (!isRecord(settings)) return
    const hours = hoursOfForm(settings.hours)
    if (hours) settings.hours = hours
    else delete settings.hours
    hoursRange.disabled = !hours
  } else if (input === color) {
    setSetting(['design', 'primaryColor'], color.value)
    colorValue.textContent = color.value
  } else if (input.name === 'position') setSetting(['design', 'position'], input.value)
  else if (input === branding)
    setSetting(['window', 'branding'], branding.checked ? undefined : false)
  else if (input.id === 'd-whatsapp') {
    const number = input.value.trim()
    setSetting(['whatsapp', 'number'], number || undefined)
    setSetting(['whatsapp', 'button'], number ? true : undefined)
  } else if (TEXTS.includes(input))
    setSetting(pathOf(input), input.value.trim() ? input.value : undefined)
  else return
  input.removeAttribute('aria-invalid')
  doc.value = pretty(current)
  drawGutter()
  changed()
}
$('design').addEventListener('input', onFormInput)
$('design').addEventListener('submit', (e) => {
  e.preventDefault()
  void apply()
})

// --- JSON ----------------------------------------------------------------------------

/** The JSON's value, or where and why it does not parse. */
function parse(
  text: string,
): { ok: true; value: unknown } | { ok: false; pos: number; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch (e) {
    const s = scan(text)
    return s.ok
      ? { ok: false, pos: 0, message: e instanceof Error ? e.message : String(e) }
      : { ok: false, pos: s.pos, message: s.message }
  }
}

doc.addEventListener('input', () => {
  drawGutter()
  const r = parse(doc.value)
  current = r.ok ? r.value : null
  fillForm(current)
  changed()
})
doc.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
    e.preventDefault()
    void apply()
  }
})

/** Something changed: apply once the typing stops. */
function changed() {
  clearTimeout(timer)
  say('Changed: applying when you stop typing…')
  timer = window.setTimeout(() => void apply(), IDLE_MS)
}

// --- Problems -------------------------------------------------------------------------

/**
 * Lists the problems of `text` (empty: none) next to the editor, each with its
 * path, message and line; a button selects the place in the JSON.
 */
function showProblems(text: string, issues: Issue[], heading?: string) {
  badLines = new Set()
  for (const input of document.querySelectorAll('#design [aria-invalid]'))
    input.removeAttribute('aria-invalid')
  if (!issues.length) {
    problems.replaceChildren()
    drawGutter()
    return
  }
  const s = scan(text)
  const list = el('ul')
  for (const issue of issues) {
    const li = el('li')
    li.dataset.path = issue.path
    const span = s.ok ? locate(s.spans, issue.path) : undefined
    const pos = issue.pos ?? span?.start
    const where = pos === undefined ? undefined : lineOf(text, pos)
    li.append(
      el('code', issue.label ?? (issue.path || '(document)'), 'issue-path'),
      ` — ${issue.message}`,
    )
    if (where && pos !== undefined) {
      badLines.add(where.line)
      const go = button(`Line ${where.line}`, 'issue-line')
      go.setAttribute('aria-label', `Go to line ${where.line}: ${issue.path || 'document'}`)
      go.addEventListener('click', () => select(pos, span?.end ?? pos + 1, where.line))
      li.append(' ', go)
    }
    list.append(li)
    // A field of the form with this path is marked invalid too.
    const field = document.querySelector(
      `#design [data-path="${CSS.escape(issue.path.replace(/^settings\./, ''))}"]`,
    )
    if (field) field.setAttribute('aria-invalid', 'true')
  }
  const n = issues.length
  problems.replaceChildren(
    el('h3', heading ?? `Not applied: ${n} ${n === 1 ? 'problem' : 'problems'}`),
    list,
    el('p', 'The preview keeps the last valid document.', 'hint'),
  )
  drawGutter()
}

/** Selects `start`–`end` of the JSON and scrolls line `line` into view. */
function select(start: number, end: number, line: number) {
  doc.focus()
  doc.setSelectionRange(start, end)
  const lh = Number.parseFloat(getComputedStyle(doc).lineHeight) || 20
  doc.scrollTop = Math.max(0, (line - 3) * lh)
}

// --- Apply ----------------------------------------------------------------------------

/** Saves the JSON as the bot's document, when it changed since the last save, and restarts the preview. */
async function apply() {
  clearTimeout(timer)
  if (mode !== 'document') return
  const text = doc.value
  const r = parse(text)
  if (!r.ok) {
    showProblems(
      text,
      [{ path: '', label: 'JSON syntax', message: r.message, pos: r.pos }],
      'Not applied: the JSON has a syntax error',
    )
    say('Not applied: fix the JSON first.')
    hooks.log('info', 'config:invalid', { syntax: r.message })
    return
  }
  const body = JSON.stringify(r.value)
  if (body === saved) {
    // Nothing to save: the preview already runs this document (Reload preview restarts it).
    showProblems(text, [])
    say('Applied: no changes since the last apply.')
    return
  }
  const mine = ++seq
  say('Applying…')
  applyButton.setAttribute('aria-busy', 'true')
  try {
    const res = await fetch(`/demo/api/config/${encodeURIComponent(BOT)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body,
    })
    const answer: Refusal = await res.json().catch(() => ({}))
    if (mine !== seq) return
    if (res.ok) {
      saved = body
      showProblems(text, [])
      savedOption(true)
      say(`Applied at ${time()}: the preview restarted with a new visitor.`)
      const flows = isRecord(r.value) && Array.isArray(r.value.flows) ? r.value.flows : undefined
      hooks.log('info', 'config:applied', { flows: r.value && flows?.length })
      hooks.onDocument(r.value)
      hooks.onApplied()
    } else {
      const issues: Issue[] = Array.isArray(answer.issues)
        ? answer.issues
        : [{ path: '', message: answer.message ?? `HTTP ${res.status}` }]
      showProblems(text, issues)
      say(`Not applied: ${issues.length} ${issues.length === 1 ? 'problem' : 'problems'}.`)
      hooks.log('info', 'config:invalid', { issues: issues.length, first: issues[0] })
    }
  } catch (e) {
    if (mine === seq)
      say(`Not applied: the demo server did not answer (${e instanceof Error ? e.message : e}).`)
  } finally {
    if (mine === seq) applyButton.removeAttribute('aria-busy')
  }
}
applyButton.addEventListener('click', () => void apply())

// --- Picker ---------------------------------------------------------------------------

/** Adds or removes the "Saved document" option (whether the server has one). */
function savedOption(on: boolean) {
  const opt = picker.querySelector(`option[value="${SAVED}"]`)
  if (on && !opt) picker.append(new Option(`Saved document of ${BOT}`, SAVED))
  if (!on && opt) opt.remove()
}

/** Shows a document in the editor (pretty-printed). */
function load(value: unknown) {
  mode = 'document'
  current = value
  doc.readOnly = false
  doc.placeholder = ''
  doc.value = pretty(value)
  showProblems(doc.value, [])
  fillForm(value)
}

function loadBuiltin() {
  mode = 'builtin'
  current = null
  saved = ''
  doc.value = ''
  doc.readOnly = true
  doc.placeholder = 'The built-in flow has no document. Choose a template above to edit one.'
  showProblems('', [])
  fillForm(null)
}

/** The picker changed. */
async function choose() {
  clearTimeout(timer)
  const name = picker.value
  const mine = ++seq
  try {
    if (!name) {
      say('Removing the document…')
      await fetch(`/demo/api/config/${encodeURIComponent(BOT)}`, { method: 'DELETE' })
      if (mine !== seq) return
      loadBuiltin()
      savedOption(false)
      say('No document: the preview runs the built-in flow.')
      hooks.log('info', 'config:removed')
      hooks.onDocument(null)
      hooks.onApplied()
      return
    }
    const url =
      name === SAVED
        ? `/widget/${encodeURIComponent(BOT)}/config.json`
        : `/demo/templates/${encodeURIComponent(name)}.json`
    say('Loading…')
    const res = await fetch(url, { cache: 'no-cache' })
    if (mine !== seq) return
    if (res.status === 204) {
      savedOption(false)
      picker.value = ''
      loadBuiltin()
      say('The bot has no saved document: the preview runs the built-in flow.')
      return
    }
    if (!res.ok) throw new Error(`HTTP ${res.status}`)
    const value: unknown = await res.json()
    if (mine !== seq) return
    load(value)
    if (name === SAVED) {
      saved = JSON.stringify(value)
      say('Loaded the saved document.')
      hooks.onDocument(value)
    } else {
      hooks.log('info', 'template', { name })
      await apply()
    }
  } catch (e) {
    if (mine === seq) say(`Could not load it: ${e instanceof Error ? e.message : e}`)
  }
}
picker.addEventListener('change', () => void choose())

let hooks: EditorHooks = { log: () => {}, onDocument: () => {}, onApplied: () => {} }

// --- Other editors of parts of the document (the FAQ editor, faq.ts) ------------------

/** Listeners of the document being edited, told at each change made in the JSON or the picker. */
const listeners = new Set<(d: unknown) => void>()

/**
 * Calls `listen` with the document being edited (`null` for the built-in flow or
 * JSON that does not parse) now, and again whenever the JSON or the picker changes
 * it; not for the changes made with {@link editDocument}.
 */
export function onDocumentEdit(listen: (d: unknown) => void): void {
  listeners.add(listen)
  listen(mode === 'document' ? current : null)
}

/**
 * Changes the document being edited as the Design form does: `change` edits it in
 * place, the JSON is rewritten and the document applied once the typing stops.
 * Nothing while no document (or no JSON object) is being edited.
 */
export function editDocument(change: (d: Record<string, unknown>) => void): void {
  if (mode !== 'document' || !isRecord(current)) return
  change(current)
  doc.value = pretty(current)
  drawGutter()
  changed()
}

/**
 * Fills the picker (GET /demo/api/templates) and loads the bot's document: its
 * saved one when it has one, else the built-in flow.
 */
export async function startEditor(h: EditorHooks): Promise<void> {
  hooks = h
  picker.append(new Option('Built-in flow (no document)', ''))
  loadBuiltin()
  try {
    const names: string[] = await (await fetch('/demo/api/templates')).json()
    const group = document.createElement('optgroup')
    group.label = 'Templates'
    for (const n of names) group.append(new Option(title(n), n))
    picker.append(group)
  } catch {
    say('Could not list the templates.')
  }
  // The visitor may pick a template meanwhile: that choice wins.
  const mine = seq
  const res = await fetch(`/widget/${encodeURIComponent(BOT)}/config.json`, {
    cache: 'no-cache',
  }).catch(() => undefined)
  if (mine !== seq) return
  if (res?.status === 200) {
    const value: unknown = await res.json().catch(() => undefined)
    if (mine !== seq) return
    if (value !== undefined) {
      savedOption(true)
      picker.value = SAVED
      load(value)
      saved = JSON.stringify(value)
      say('Editing the bot’s saved document.')
      hooks.onDocument(value)
      return
    }
  }
  say('No document: the preview runs the built-in flow.')
  hooks.onDocument(null)
}
