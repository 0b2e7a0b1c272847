/**
 * Site-owner diagnostics, shared by the loader and the widget: one console line
 * per problem, in the fixed shape `[Reekolect] E_CODE: what happened — how to fix
 * it`. The codes are the contract's `LogCode` (loader/protocol.ts), stable and
 * listed in docs/troubleshooting.md, "Console messages for site owners".
 */
import type { LogCode } from './protocol'

const seen = new Set<string>()

/** How to fix every `E_LOAD` (a chunk could not load): serve the chunks next to the loader. */
export const ASSETS = 'serve assets/ next to Reekolect.js'

/**
 * Logs a problem a site owner can act on. `E_…` codes are errors (`console.error`,
 * each time); `W_…` codes are recoverable degradations (`console.warn`, once per
 * page and code). Never throws, so it is safe on any error path.
 */
export function report(code: LogCode, what: string, fix: string): void {
  const warning = code[0] === 'W'
  if (warning && seen.has(code)) return
  seen.add(code)
  try {
    console[warning ? 'warn' : 'error'](`[Reekolect] ${code}: ${what} — ${fix}`)
  } catch {
    /* a host that broke console must not break the widget */
  }
}
