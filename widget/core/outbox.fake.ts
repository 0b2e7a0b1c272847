/**
 * For tests of the actions and the UI: a `sync` (ActionDeps) that merges each lead
 * change as the outbox does ({@link merge}) and records the snapshot a PUT would
 * carry, one per call. Not part of any bundle.
 */
import type { LeadPayload } from './lead'
import { type LeadChange, merge, type OutboxRecord, snapshotOf } from './outbox'

export function recordSnapshots(payloads: LeadPayload[]): (change: LeadChange) => Promise<void> {
  const records = new Map<string, OutboxRecord>()
  return async (change) => {
    const { rec } = merge(records.get(change.ids.uuid), change)
    records.set(change.ids.uuid, rec)
    payloads.push(snapshotOf(rec))
  }
}
