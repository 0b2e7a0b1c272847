/**
 * How long what the widget keeps about a visitor stays in this browser
 * (docs/architecture.md, "What is stored"): a saved conversation (`chat:<uuid>`) and a delivered
 * lead record (`outbox`) are removed once unchanged for the retention, by default
 * {@link RETENTION_DAYS} days, set by the tag's `data-retention-days`. A lead
 * record not yet delivered is kept until it is: a lead is never lost to expiry.
 * The sweep that removes old conversations is a lazy chunk of its own (sweep.ts):
 * chatting never waits for it.
 */

/** One day in ms. */
export const DAY = 86_400_000

/** Default of `data-retention-days`: days a visitor's records stay unchanged before they are removed. */
export const RETENTION_DAYS = 30

/** Largest `data-retention-days` accepted (10 years). */
export const MAX_RETENTION_DAYS = 3650
