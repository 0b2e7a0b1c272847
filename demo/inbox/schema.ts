/**
 * Request bodies of the agent-side contact APIs, validated with valibot:
 * `POST /inbox/users` (the platform's help centre) and `POST /inbox/users/import`
 * (the platform's help centre). Unknown fields are ignored, as in the lead PUT.
 */
import * as v from 'valibot'

const str = (max: number) => v.pipe(v.string(), v.maxLength(max))
const ids = v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(128))), v.maxLength(100))

/** Chat statuses of the platform (docs/platform-api.md), the values `status` filters by. */
export const STATUSES = ['OPEN', 'INPROGRESS', 'REVIEW', 'ONHOLD', 'DEPENDANCY', 'CLOSED'] as const

/** A date the seed's sample leaves as `""` when unset; anything `Date` parses otherwise. */
const when = v.nullish(
  v.pipe(
    v.string(),
    v.check((s) => s === '' || !Number.isNaN(Date.parse(s)), 'an ISO 8601 date or ""'),
  ),
)
/** `{startAt, endsAt}` as in the seed's sample request; either bound may be empty. */
const range = v.nullish(v.object({ startAt: when, endsAt: when }))

/** Body of `POST /inbox/users`: the filters of the platform (docs/platform-api.md) (all optional) and `page`. */
export const UsersBody = v.object({
  searchText: v.nullish(str(200)),
  tags: v.nullish(v.pipe(v.array(str(100)), v.maxLength(100))),
  status: v.nullish(v.array(v.picklist(STATUSES))),
  isOnline: v.nullish(v.boolean()),
  _botWebsite: v.nullish(ids),
  _botWhatsapp: v.nullish(ids),
  _botTelegram: v.nullish(ids),
  _botFacebook: v.nullish(ids),
  _agentAssigned: v.nullish(ids),
  segments: v.nullish(ids),
  applicableFilters: v.nullish(v.pipe(v.array(str(64)), v.maxLength(20))),
  lastSeenAt: range,
  createdAt: range,
  userInteracted: v.nullish(v.boolean()),
  lastMessageBy: v.nullish(v.pipe(v.array(str(32)), v.maxLength(10))),
  isLiveChatActive: v.nullish(v.boolean()),
  hasOrdered: v.nullish(
    v.object({ status: v.nullish(v.boolean()), lastAt: v.nullish(v.string()) }),
  ),
  // The sample sends a number; the platform's listing takes a string: accept both.
  page: v.nullish(
    v.union(
      [
        v.pipe(v.number(), v.integer(), v.minValue(1)),
        v.pipe(v.string(), v.regex(/^[1-9]\d{0,8}$/), v.transform(Number)),
      ],
      'a whole number from 1',
    ),
  ),
  isExport: v.nullish(v.unknown()),
  isContact: v.nullish(v.boolean()),
})
export type UsersFilter = v.InferOutput<typeof UsersBody>

/** `""` means "not given" in imports (a spreadsheet's empty cell); it is read as absent. */
const blankToUndefined = (s: string) => (s === '' ? undefined : s)
const isEmail = (s: string) => v.is(v.pipe(v.string(), v.email()), s)

/** One profile of `POST /inbox/users/import` (the platform's help centre). */
const ImportUser = v.object({
  profile: v.object({
    userDetails: v.object({
      userProvidedName: v.nullish(v.pipe(v.string(), v.trim(), v.maxLength(200))),
      contact: v.nullish(
        v.object({
          email: v.nullish(
            v.pipe(
              v.string(),
              v.trim(),
              v.toLowerCase(),
              v.maxLength(254),
              v.check((s) => s === '' || isEmail(s), 'an email address'),
              v.transform(blankToUndefined),
            ),
          ),
          phone: v.nullish(
            v.object({
              // Spaces, dots, dashes and brackets of a written number are dropped.
              number: v.nullish(
                v.pipe(
                  v.string(),
                  v.transform((s) => s.replace(/[\s().-]/g, '')),
                  v.regex(/^(\d{4,20})?$/, '4 to 20 digits, without the dial code'),
                  v.transform(blankToUndefined),
                ),
              ),
              // The sample writes "91"; "+91" is accepted and stored without "+".
              prefix: v.nullish(
                v.pipe(
                  v.string(),
                  v.trim(),
                  v.regex(/^(\+?\d{1,4})?$/, 'a dial code of 1 to 4 digits, with or without "+"'),
                  v.transform((s) => blankToUndefined(s.replace('+', ''))),
                ),
              ),
            }),
          ),
        }),
      ),
      tags: v.nullish(
        v.pipe(v.array(v.pipe(v.string(), v.trim(), v.maxLength(100))), v.maxLength(100)),
      ),
      attributes: v.nullish(
        v.pipe(v.array(v.object({ key: str(100), value: str(2000) })), v.maxLength(100)),
      ),
    }),
  }),
})

/** Largest import accepted at once (profiles). */
export const MAX_IMPORT = 1000

/** Body of `POST /inbox/users/import`: a JSON array of profiles. */
export const ImportBody = v.pipe(
  v.array(ImportUser),
  v.minLength(1, 'at least one profile'),
  v.maxLength(MAX_IMPORT, `at most ${MAX_IMPORT} profiles`),
)

/** One imported user after validation, flattened for the database. */
export interface ImportedUser {
  name?: string
  email?: string
  phone?: string
  prefix?: string
  tags: string[]
  attributes: { key: string; value: string }[]
}

/**
 * Validates an import body. Each profile needs an email or a phone number, the
 * keys it is upserted by. Errors name the path, e.g. `1.profile.userDetails.contact.email`.
 */
export function parseImport(
  json: unknown,
): { ok: true; users: ImportedUser[] } | { ok: false; message: string } {
  const parsed = v.safeParse(ImportBody, json)
  if (!parsed.success) return { ok: false, message: describeIssue(parsed.issues) }
  const users: ImportedUser[] = []
  for (const [i, { profile }] of parsed.output.entries()) {
    const d = profile.userDetails
    const email = d.contact?.email ?? undefined
    const phone = d.contact?.phone?.number ?? undefined
    if (!email && !phone)
      return {
        ok: false,
        message: `${i}.profile.userDetails.contact: an email or a phone number is required`,
      }
    users.push({
      name: d.userProvidedName || undefined,
      email,
      phone,
      prefix: phone ? (d.contact?.phone?.prefix ?? undefined) : undefined,
      tags: [...new Set((d.tags ?? []).filter(Boolean))],
      attributes: d.attributes ?? [],
    })
  }
  return { ok: true, users }
}

/** `path: message` of the first issue, the style of the lead PUT's 400s. */
export function describeIssue(issues: readonly v.BaseIssue<unknown>[]): string {
  const issue = issues[0]
  const path = issue?.path?.map((p) => String(p.key)).join('.') ?? ''
  return `${path || 'body'}: ${issue?.message ?? 'invalid'}`
}
