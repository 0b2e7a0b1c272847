/** Rows of the results table: median, min–max over runs, and a target's pass/fail. */
import { stats } from './util'

export type Unit = 'ms' | 'B' | 'count' | 'score'

/** One metric over all runs, as printed and as written to latest.json. */
export interface Row {
  metric: string
  unit: Unit
  median: number | null
  min: number | null
  max: number | null
  runs: number
  samples: number[]
  target?: string
  pass?: boolean
}

/** Builds a row from per-run samples; a target is judged on the median. */
export function row(
  metric: string,
  unit: Unit,
  samples: number[],
  target?: { text: string; ok(median: number): boolean },
): Row {
  const s = stats(samples)
  return {
    metric,
    unit,
    median: s?.median ?? null,
    min: s?.min ?? null,
    max: s?.max ?? null,
    runs: s?.n ?? 0,
    samples: samples.map((x) => Math.round(x * 1000) / 1000),
    ...(target ? { target: target.text, ...(s ? { pass: target.ok(s.median) } : {}) } : {}),
  }
}

function fmt(x: number | null, unit: Unit): string {
  if (x === null || Number.isNaN(x)) return 'n/a'
  switch (unit) {
    case 'ms':
      return `${x.toFixed(1)} ms`
    case 'B':
      return Math.abs(x) >= 1024 ? `${(x / 1024).toFixed(2)} KiB` : `${Math.round(x)} B`
    case 'count':
      return Number.isInteger(x) ? String(x) : x.toFixed(1)
    case 'score':
      return x.toFixed(4)
  }
}

/** The rows as a markdown table. */
export function table(rows: Row[]): string {
  const lines = ['| metric | median | min–max | runs | target |', '|---|---:|---:|---:|---|']
  for (const r of rows) {
    const range = r.min === null ? 'n/a' : `${fmt(r.min, r.unit)} – ${fmt(r.max, r.unit)}`
    const target = r.target
      ? `${r.pass === undefined ? 'n/a' : r.pass ? 'PASS' : 'FAIL'} (${r.target})`
      : ''
    lines.push(`| ${r.metric} | ${fmt(r.median, r.unit)} | ${range} | ${r.runs} | ${target} |`)
  }
  return lines.join('\n')
}
