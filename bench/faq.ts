/**
 * `npm run bench:faq`: how well the FAQ chunk (widget/faq) answers visitors, and
 * what it costs. Against the FAQ of the outdoor-shop template (26 entries), the
 * labelled questions of bench/faq-questions.ts: the final held-out set (the
 * honest figure: run only for the final figures), the development sets the
 * weights and the threshold were chosen on (the tuning set, and the first
 * held-out set, development data since its first run), and all of them:
 *
 * - right: share of covered questions whose answer is the labelled entry (top 1);
 * - "I don't know" on uncovered: share of uncovered questions left unanswered
 *   (out-of-scope recall);
 * - wrong: share of all questions answered with another entry, or answered at all
 *   when uncovered;
 * - offered the right entry: share of covered questions not answered but given
 *   suggestions ("Did you mean…?") among which is the labelled entry; and the
 *   share of uncovered questions given suggestions (not an answer: the visitor
 *   picks one or "Something else").
 *
 * The same rates for plain BM25 (MiniSearch's defaults: one document per entry,
 * lower-cased words, no stemming, synonyms or typo correction; answer when the
 * best score reaches a threshold chosen on the development sets like ours) for scale.
 * Then the chunk's bytes (built like the widget's chunks, brotli quality 11) and
 * the time to build a matcher of 200 entries and to answer with it (median, Node,
 * this machine). `--list` prints every miss of the final held-out set (with
 * `--dev`, of the development sets); `--dev` leaves the final held-out set out (for tuning: its figures are not looked at
 * until the end). Takes seconds; no browser, no server.
 */
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { brotliCompressSync, constants } from 'node:zlib'
import MiniSearch from 'minisearch'
import { build, type Rolldown } from 'vite'
import { widgetTarget } from '../vite.config'
import { localizeDocument } from '../widget/config/locale'
import { parseConfig } from '../widget/config/schema'
import { createFaq, FAQ_DEFAULTS, type FaqEntry } from '../widget/faq'
import { fresh, type Labelled, split } from './faq-questions'
import { stats } from './util'

const TEMPLATE = 'demo/templates/outdoor-shop.json'

/** The FAQ entries of the template, validated like any document. */
function template(): FaqEntry[] {
  const r = parseConfig(JSON.parse(readFileSync(TEMPLATE, 'utf8')))
  if ('issues' in r) throw new Error(`${TEMPLATE}: ${JSON.stringify(r.issues)}`)
  const faq = localizeDocument(r.config, 'en').faq
  if (!faq) throw new Error(`${TEMPLATE} has no faq`)
  return faq.items
}

/**
 * An answerer: the id of the entry it answers `question` with, or undefined for
 * no answer, then the ids it suggests instead (none for "I don't know").
 */
type Answer = (question: string) => string | undefined | { suggest: string[] }

interface Rates {
  covered: number
  uncovered: number
  right: number
  idk: number
  wrong: number
  /** Covered questions given suggestions that include their entry. */
  offered: number
  /** Uncovered questions given suggestions. */
  suggested: number
  misses: string[]
}

function rates(answer: Answer, set: Labelled[]): Rates {
  const r: Rates = {
    covered: 0,
    uncovered: 0,
    right: 0,
    idk: 0,
    wrong: 0,
    offered: 0,
    suggested: 0,
    misses: [],
  }
  for (const q of set) {
    const reply = answer(q.text)
    const got = typeof reply === 'string' ? reply : undefined
    const suggest = typeof reply === 'object' ? reply.suggest : []
    if (q.id && suggest.includes(q.id)) r.offered++
    if (!q.id && suggest.length) r.suggested++
    if (q.id) r.covered++
    else r.uncovered++
    if (q.id && got === q.id) r.right++
    else if (!q.id && !got) r.idk++
    else {
      if (got) r.wrong++
      r.misses.push(
        `${got ? 'wrong' : suggest.length ? 'offer' : 'idk  '} ${JSON.stringify(q.text)} → ${got ?? (suggest.join(', ') || '-')} (${q.id ?? 'uncovered'})`,
      )
    }
  }
  return r
}

const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(1)} %`
const row = (name: string, r: Rates) =>
  `| ${name} | ${r.covered} + ${r.uncovered} | ${pct(r.right, r.covered)} | ${pct(r.idk, r.uncovered)} | ${pct(r.wrong, r.covered + r.uncovered)} | ${pct(r.offered, r.covered)} | ${pct(r.suggested, r.uncovered)} |`

/** Plain BM25: MiniSearch with its defaults, one document per entry; `min` is the least score answered. */
function bm25(items: FaqEntry[]) {
  const ms = new MiniSearch<FaqEntry & { n: number }>({
    fields: ['question', 'alternatives', 'answer'],
    idField: 'n',
    storeFields: ['id'],
    extractField: (doc, field) => {
      const value = doc[field as keyof typeof doc]
      return Array.isArray(value) ? value.join(' ') : String(value ?? '')
    },
  })
  ms.addAll(items.map((item, n) => ({ ...item, n })))
  return (min: number): Answer =>
    (question) => {
      const [top] = ms.search(question)
      return top && top.score >= min ? (top.id as string | undefined) && String(top.id) : undefined
    }
}

/** The score on `set` a threshold is chosen by: right answers minus twice the wrong ones. */
const utility = (r: Rates) => r.right - 2 * r.wrong

/** 200 entries: the template's, repeated with one product line's word in each copy. */
function twoHundred(items: FaqEntry[]): FaqEntry[] {
  const lines = [
    'tents',
    'boots',
    'jackets',
    'rucksacks',
    'stoves',
    'sleeping bags',
    'fleeces',
    'maps',
  ]
  const out: FaqEntry[] = []
  for (let k = 0; out.length < 200; k++)
    for (const item of items) {
      if (out.length >= 200) break
      const line = lines[k % lines.length] as string
      out.push(
        k === 0
          ? item
          : {
              id: `${item.id}-${k}`,
              question: `${item.question} (${line}, range ${k})`,
              alternatives: (item.alternatives ?? []).map((a) => `${a} for ${line}`),
              answer: `${item.answer} This applies to ${line} of range ${k}.`,
            },
      )
    }
  return out
}

/**
 * The FAQ chunk as the widget build makes it: widget/faq/index.ts and what it
 * imports statically, minified; and each language's chunk (`faq-<code>`, its
 * stemmer and stop words, loaded with it for an FAQ in that language), brotli.
 */
async function chunkBytes(): Promise<{
  raw: number
  brotli: number
  languages: { name: string; brotli: number }[]
}> {
  const out = (await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      target: widgetTarget,
      minify: true,
      lib: { entry: 'widget/faq/index.ts', formats: ['es'], fileName: 'faq' },
      rolldownOptions: {
        output: { minify: true, comments: { legal: true, annotation: false, jsdoc: false } },
      },
    },
  })) as Rolldown.RolldownOutput[]
  const code = out.flatMap((o) => o.output).filter((c) => c.type === 'chunk')
  const brotli = (text: string) =>
    brotliCompressSync(Buffer.from(text), {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
    }).length
  const languages = code.filter((c) => /^faq-[a-z]{2}$/.test(c.name))
  const own = code.filter((c) => !languages.includes(c))
  const joined = own.map((c) => c.code).join('')
  return {
    raw: Buffer.byteLength(joined),
    brotli: brotli(joined),
    languages: languages.map((c) => ({ name: c.name, brotli: brotli(c.code) })),
  }
}

/** `faq`'s reply as the bench reads it. */
const replying =
  (faq: ReturnType<typeof createFaq>): Answer =>
  (q) => {
    const r = faq.reply(q)
    if (r.kind === 'answer') return r.match.item.id
    return { suggest: r.kind === 'suggest' ? r.matches.map((m) => m.item.id) : [] }
  }

async function main() {
  const devOnly = process.argv.includes('--dev')
  const items = template()
  const { tune, held } = split()
  const dev = [...tune, ...held]
  const final: Labelled[] = devOnly
    ? []
    : [
        ...Object.entries(fresh.covered).flatMap(([id, list]) =>
          list.map((text) => ({ text, id })),
        ),
        ...fresh.uncovered.map((text) => ({ text })),
      ]
  const all = [...dev, ...final]
  const faq = createFaq(items)
  const ours = replying(faq)

  const plain = bm25(items)
  let best = { min: 0, u: Number.NEGATIVE_INFINITY }
  for (let min = 0; min <= 60; min += 0.25) {
    const u = utility(rates(plain(min), dev))
    if (u > best.u) best = { min, u }
  }
  const base = plain(best.min)
  const sets = [
    ...(devOnly ? [] : ([['final held-out', final]] as const)),
    ['tuning', tune],
    ['first held-out', held],
    ['all', all],
  ] as const

  console.log(
    `FAQ: ${TEMPLATE}, ${items.length} entries; questions: ${devOnly ? 'final held-out left out (--dev)' : `final held-out ${final.length}`}, tuning ${tune.length}, first held-out ${held.length}`,
  )
  console.log(
    `Ours: threshold ${FAQ_DEFAULTS.threshold}, margin ${FAQ_DEFAULTS.margin}, suggestions from ${FAQ_DEFAULTS.suggest}; plain BM25: least score ${best.min} (chosen on the development sets)\n`,
  )
  console.log(
    '| Matcher, set | covered + uncovered | right (covered) | "I don\'t know" (uncovered: no answer) | wrong (all) | offered the right entry (covered) | suggestions (uncovered) |',
  )
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |')
  const heldOut = rates(ours, final)
  for (const [name, answer] of [
    ['ours', ours],
    ['plain BM25', base],
  ] as const)
    for (const [set, list] of sets) console.log(row(`${name}, ${set}`, rates(answer, list)))

  const among = (set: Labelled[], n: number) => {
    const covered = set.filter((q) => q.id)
    const hits = covered.filter((q) => faq.rank(q.text, n).some((m) => m.item.id === q.id))
    return pct(hits.length, covered.length)
  }
  console.log(
    `\nCovered questions whose entry ranks first / among the best 3, whatever the score: ${devOnly ? '' : `final held-out ${among(final, 1)} / ${among(final, 3)}, `}development sets ${among(dev, 1)} / ${among(dev, 3)}`,
  )
  const cells = (o: Parameters<typeof createFaq>[1]) => {
    const f = replying(createFaq(items, o))
    return (devOnly ? [dev] : [final, dev]).map((set) => {
      const r = rates(f, set)
      return `${pct(r.right, r.covered)}, ${pct(r.idk, r.uncovered)}, ${pct(r.wrong, r.covered + r.uncovered)}, ${pct(r.offered, r.covered)}, ${pct(r.suggested, r.uncovered)}`
    })
  }
  const head = (first: string) => {
    const cols = 'right, "I don\'t know", wrong, offered right, suggestions (uncovered)'
    console.log(
      `| ${first} | ${devOnly ? '' : `final held-out: ${cols} | `}development sets: ${cols} |`,
    )
    console.log(`| ---: | ${devOnly ? '' : '---: | '}---: |`)
  }
  console.log('\nThe threshold trades right answers for wrong ones (margin and band as above):\n')
  head('Threshold')
  for (const threshold of [0.26, 0.3, 0.34, 0.38, FAQ_DEFAULTS.threshold, 0.42, 0.46])
    console.log(`| ${threshold} | ${cells({ threshold }).join(' | ')} |`)
  console.log('\nThe band from which entries are suggested (threshold and margin as above):\n')
  head('Suggest from')
  for (const suggest of [0.2, 0.24, FAQ_DEFAULTS.suggest, 0.32, 0.36, 1])
    console.log(`| ${suggest} | ${cells({ suggest }).join(' | ')} |`)

  const chunk = await chunkBytes()
  console.log(
    `\nFAQ chunk (widget/faq/index.ts and its static imports, minified): ${chunk.raw} B, ${chunk.brotli} B brotli`,
  )
  const langs = chunk.languages.map((l) => l.brotli).sort((a, b) => a - b)
  console.log(
    `Language chunks (${langs.length}, loaded with it for an FAQ in that language): ${langs[0]}–${langs.at(-1)} B brotli, median ${langs[Math.floor(langs.length / 2)]} B; ${chunk.languages
      .map((l) => `${l.name.slice(4)} ${l.brotli}`)
      .join(', ')}`,
  )

  const many = twoHundred(items)
  const builds: number[] = []
  let big = createFaq(many)
  for (let i = 0; i < 9; i++) {
    const t0 = performance.now()
    big = createFaq(many)
    builds.push(performance.now() - t0)
  }
  const times: number[] = []
  for (let round = 0; round < 5; round++)
    for (const q of all) {
      const t0 = performance.now()
      big.reply(q.text)
      times.push(performance.now() - t0)
    }
  const b = stats(builds)
  const m = stats(times)
  console.log(
    `200 entries: building the matcher ${b?.median.toFixed(2)} ms (median of ${b?.n}); answering ${m?.median.toFixed(3)} ms (median of ${m?.n}, max ${m?.max.toFixed(2)} ms)`,
  )
  if (!devOnly) {
    const strip = (id: string) => id.replace(/-\d+$/, '')
    const with200 = rates((q) => {
      const r = replying(big)(q)
      return typeof r === 'object' ? { suggest: r.suggest.map(strip) } : r && strip(r)
    }, final)
    console.log(
      row('ours, final held-out, against the 200 entries (a copy counts as its entry)', with200),
    )
  }

  if (process.argv.includes('--list'))
    console.log(
      devOnly
        ? `\nMisses, development sets:\n${rates(ours, dev).misses.join('\n')}`
        : `\nMisses, final held-out:\n${heldOut.misses.join('\n')}`,
    )
}

await main()
