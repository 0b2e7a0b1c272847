/**
 * Site-owner diagnostics: one console line per problem, in the fixed shape
 * `[Reekolect] E_CODE: what happened — how to fix it` (DESIGN.md §4.10).
 * Never throws, so it is safe to call from any error path.
 */

/** Logs an error a site owner can act on. `code` is stable (`E_TAG`, `E_TOKEN`, …) and documented in the README. */
export function report(code: string, what: string, fix: string): void {
  try {
    console.error(`[Reekolect] ${code}: ${what} — ${fix}`)
  } catch {
    /* a host that broke console must not break the widget */
  }
}

/** Logs a recoverable degradation (`W_STORAGE`, `W_TWICE`, …) once per page and code. */
export function warn(code: string, what: string, fix: string): void {
  if (warned.has(code)) return
  warned.add(code)
  try {
    console.warn(`[Reekolect] ${code}: ${what} — ${fix}`)
  } catch {
    /* see report() */
  }
}

const warned = new Set<string>()
