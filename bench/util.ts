/** Small helpers of the benchmark: timing, timeouts, statistics. */

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Rejects with `label` when `p` takes longer than `ms`. */
export async function withTimeout<T>(p: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${label}: timed out after ${ms} ms`)), ms)
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}

/** Median, min and max of `xs` (undefined when empty). */
export function stats(xs: number[]) {
  if (!xs.length) return undefined
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
  return { median, min: s[0]!, max: s[s.length - 1]!, n: s.length }
}

/** Nearest-rank percentile `p` (0–100) of `xs`. */
export function percentile(xs: number[], p: number): number | undefined {
  if (!xs.length) return undefined
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]
}

/** Seconds since `since` (Date.now()), for progress lines. */
export const secs = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`

/** `xs` without `null` and `undefined`. */
export const defined = <T>(xs: (T | undefined | null)[]): T[] =>
  xs.filter((x): x is T => x !== undefined && x !== null)
