/**
 * The playground's FAQ editor (docs/configuration.md, "FAQ"): the document's `faq`
 * as a list of entries (id, question, other ways to ask, one a line, and answer) to
 * add, edit and remove, and its fallback; changes go into the JSON and are applied
 * as the Design form's are (editor.ts). "Test a question" shows what the widget's
 * own matcher (widget/faq) makes of a question against the entries being edited,
 * applied or not: the entry that answers with its score and its lead over the next,
 * the entries the bot would offer ("Did you mean…?") and why, or why none answers,
 * and the runner-up.
 */
import { createFaq, FAQ_DEFAULTS, type FaqEntry, type FaqMatch } from '../../widget/faq'
import { $, button, el } from './dom'
import { editDocument, onDocumentEdit } from './editor'
import { isRecord } from './jsontext'

const form = $('faq', HTMLFormElement)
const fields = $('faq-fields', HTMLFieldSetElement)
const off = $('faq-off')
const list = $('faq-items', HTMLOListElement)
const empty = $('faq-empty')
const addButton = $('faq-add', HTMLButtonElement)
const fallback = $('faq-fallback', HTMLSelectElement)
const question = $('faq-test', HTMLInputElement)
const result = $('faq-result')

/** An entry as the JSON holds it: possibly half-typed (the server checks it on apply). */
type Entry = Record<string, unknown>

/** The entries being edited, as last read from the document or edited here. */
let entries: Entry[] = []

const str = (v: unknown) => (typeof v === 'string' ? v : '')
const score = (n: number) => n.toFixed(2)

/** The document's `faq`, created when missing; `undefined` when it is not an object with a list of items. */
function faqOf(d: Record<string, unknown>, create: boolean): { items: Entry[] } | undefined {
  if (d.faq === undefined && create) d.faq = { items: [], fallback: 'handoff' }
  const faq = d.faq
  return isRecord(faq) && Array.isArray(faq.items) ? (faq as { items: Entry[] }) : undefined
}

/** Changes entry `i` of the document, and the copy here; then tests the question again. */
function setField(i: number, key: string, value: unknown) {
  editDocument((d) => {
    const item = faqOf(d, false)?.items[i]
    if (!isRecord(item)) return
    if (value === undefined) delete item[key]
    else item[key] = value
    entries = faqOf(d, false)?.items ?? []
  })
  test()
}

/** One labelled input of an entry. */
function input(i: number, key: 'id' | 'question' | 'alternatives' | 'answer', label: string) {
  const id = `faq-${i}-${key}`
  const field = el('div', undefined, 'field')
  const lab = el('label', label)
  lab.htmlFor = id
  const entry = entries[i] ?? {}
  const box =
    key === 'answer' || key === 'alternatives' ? el('textarea') : el('input', undefined, undefined)
  box.id = id
  if (box instanceof HTMLInputElement) {
    box.type = 'text'
    box.autocomplete = 'off'
  } else box.rows = key === 'answer' ? 3 : 2
  if (key === 'alternatives') {
    const alts = Array.isArray(entry.alternatives) ? entry.alternatives.filter(Boolean) : []
    box.value = alts.map(String).join('\n')
    box.addEventListener('input', () => {
      const lines = box.value
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
      setField(i, key, lines.length ? lines : undefined)
    })
  } else {
    box.value = str(entry[key])
    box.addEventListener('input', () => setField(i, key, box.value))
  }
  field.append(lab, box)
  if (key === 'alternatives') {
    const hint = el('p', 'Other ways visitors ask it, one a line.', 'hint')
    hint.id = `${id}-hint`
    box.setAttribute('aria-describedby', hint.id)
    field.append(hint)
  }
  return field
}

/** The summary of entry `i`: its number, id and question. */
const summaryOf = (i: number) =>
  `${i + 1}. ${str(entries[i]?.id) || '(no id)'}: ${str(entries[i]?.question) || '(no question)'}`

/**
 * Draws the entries (after the document changed elsewhere, an entry was added or
 * removed), each folded under its summary; `open` is the index of one to unfold.
 */
function draw(open?: number) {
  list.replaceChildren(
    ...entries.map((entry, i) => {
      const li = el('li', undefined, 'faq-item')
      const set = el('details')
      set.open = i === open
      const summary = el('summary', summaryOf(i))
      set.append(summary)
      set.addEventListener('input', () => {
        summary.textContent = summaryOf(i)
      })
      const remove = button('Remove', 'btn btn-small')
      remove.setAttribute(
        'aria-label',
        `Remove entry ${i + 1}: ${str(entry.question) || 'no question'}`,
      )
      remove.addEventListener('click', () => {
        editDocument((d) => {
          faqOf(d, false)?.items.splice(i, 1)
          entries = faqOf(d, false)?.items ?? []
        })
        draw()
        test()
        // Focus goes to the entry that took its place, else to "Add an entry".
        ;(list.querySelectorAll('summary')[i] ?? addButton).focus()
      })
      set.append(
        input(i, 'id', 'Id'),
        input(i, 'question', 'Question'),
        input(i, 'alternatives', 'Other ways to ask'),
        input(i, 'answer', 'Answer'),
        remove,
      )
      li.append(set)
      return li
    }),
  )
  empty.hidden = entries.length > 0
}

/** A new entry: an id no entry has, and a question and answer to overwrite (valid, so the preview keeps running). */
function add() {
  const ids = new Set(entries.map((e) => str(e.id)))
  let n = entries.length + 1
  while (ids.has(`question-${n}`)) n++
  editDocument((d) => {
    const faq = faqOf(d, true)
    faq?.items.push({ id: `question-${n}`, question: 'New question?', answer: 'Its answer.' })
    entries = faq?.items ?? []
  })
  draw(entries.length - 1)
  test()
  const box = $(`faq-${entries.length - 1}-question`, HTMLInputElement)
  box.focus()
  box.select()
}

/** The matcher of the entries being edited, rebuilt when they change. */
let built: { key: string; faq: ReturnType<typeof createFaq<FaqEntry>> } | undefined
function matcher() {
  const usable: FaqEntry[] = entries
    .filter((e) => str(e.id) && str(e.question) && str(e.answer))
    .map((e) => ({
      id: str(e.id),
      question: str(e.question),
      answer: str(e.answer),
      alternatives: Array.isArray(e.alternatives) ? e.alternatives.map(String) : [],
    }))
  const key = JSON.stringify(usable)
  if (built?.key !== key) built = { key, faq: createFaq(usable) }
  return { faq: built.faq, count: usable.length }
}

/** `“delivery-cost” (How much is delivery?)` */
const named = (m: FaqMatch) => `“${m.item.id}” (${m.item.question})`

/** Shows what the matcher makes of the question in the test box. */
function test() {
  const q = question.value.trim()
  if (!q) return result.replaceChildren()
  const { faq, count } = matcher()
  if (!count) return result.replaceChildren(el('p', 'No entries to match yet.', 'faq-verdict'))
  const [best, next] = faq.rank(q, 2)
  const reply = faq.reply(q)
  const hit = reply.kind === 'answer' ? reply.match : undefined
  const { threshold, margin, suggest } = FAQ_DEFAULTS
  const verdict = el(
    'p',
    undefined,
    `faq-verdict ${reply.kind === 'answer' ? 'yes' : reply.kind === 'suggest' ? 'maybe' : 'no'}`,
  )
  /** Why the best entry does not answer. */
  const short = (m: FaqMatch) =>
    m.score < threshold
      ? `under the threshold of ${score(threshold)}`
      : `only ${score(m.margin)} ahead of the next (at least ${score(margin)})`
  if (hit)
    verdict.append(
      el('strong', 'Answers with '),
      named(hit),
      `: score ${score(hit.score)} (at least ${score(threshold)}), ${score(hit.margin)} ahead of the next (at least ${score(margin)}).`,
    )
  else if (reply.kind === 'suggest')
    verdict.append(
      el('strong', 'Did you mean…? '),
      `Offers ${reply.matches.map((m) => `${named(m)} ${score(m.score)}`).join(', ')} (each at least ${score(suggest)}), then “Something else”: the best is ${short(reply.matches[0] as FaqMatch)}.`,
    )
  else if (!best)
    verdict.append(el('strong', 'I don’t know: '), 'no word of the question is one the FAQ knows.')
  else
    verdict.append(
      el('strong', 'I don’t know: '),
      `the best is ${named(best)} with ${score(best.score)}, under ${score(suggest)}, the least score of a suggestion.`,
    )
  const runner = el(
    'p',
    next ? `Runner-up: ${named(next)}, ${score(next.score)}.` : 'Runner-up: none.',
    'faq-runner',
  )
  result.replaceChildren(verdict, runner)
}

/** Reads the document being edited (called by the editor at each change of it elsewhere). */
function read(d: unknown) {
  const faq = isRecord(d) ? d.faq : undefined
  const ok = isRecord(d) && (faq === undefined || faqOf(d, false) !== undefined)
  entries = ok && isRecord(d) ? (faqOf(d, false)?.items ?? []) : []
  off.textContent = !isRecord(d)
    ? 'The built-in flow has no FAQ: choose a template (Outdoor shop has one).'
    : ok
      ? ''
      : 'The FAQ in the JSON is not {"items": [...]}: fix it there.'
  off.hidden = !off.textContent
  fields.disabled = !ok
  const f = isRecord(faq) ? faq.fallback : undefined
  fallback.value = f === 'message' || f === 'none' ? f : 'handoff'
  draw()
  test()
}

/** Starts the FAQ editor: it follows the document being edited (editor.ts). */
export function startFaq(): void {
  form.addEventListener('submit', (e) => e.preventDefault())
  addButton.addEventListener('click', add)
  fallback.addEventListener('change', () =>
    editDocument((d) => {
      const faq = faqOf(d, true)
      if (isRecord(faq)) Object.assign(faq, { fallback: fallback.value })
    }),
  )
  question.addEventListener('input', test)
  onDocumentEdit(read)
}
