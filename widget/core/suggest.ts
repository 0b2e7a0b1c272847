/**
 * "Did you mean …?" for email addresses: a typo in a common mailbox domain
 * (`ada@gmial.com`) is offered its correction once, in the built-in flow and in
 * configured bots (Email Validation settings, `suggest`, default on).
 */

/** Common mailbox domains: typo suggestions aim at these. */
const COMMON = [
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'yahoo.co.uk',
  'yahoo.fr',
  'hotmail.com',
  'hotmail.co.uk',
  'hotmail.fr',
  'outlook.com',
  'live.com',
  'msn.com',
  'icloud.com',
  'me.com',
  'aol.com',
  'protonmail.com',
  'proton.me',
  'gmx.com',
  'gmx.de',
  'web.de',
  'mail.com',
  'yandex.com',
  'yandex.ru',
  'mail.ru',
  'zoho.com',
  'rediffmail.com',
  'qq.com',
  '163.com',
  'comcast.net',
  'verizon.net',
  'btinternet.com',
  'orange.fr',
  'free.fr',
  'libero.it',
  't-online.de',
  'uol.com.br',
  'bol.com.br',
]

/** Damerau–Levenshtein (optimal string alignment) distance between `a` and `b`. */
export function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i])
  for (let j = 1; j <= b.length; j++) d[0]![j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1)
      d[i]![j] = v
    }
  }
  return d[a.length]![b.length]!
}

/**
 * A corrected address when the domain of `email` is one or two edits away from a
 * common mailbox domain (`ada@gmial.com` → `ada@gmail.com`, `ada@gmail.con` →
 * `ada@gmail.com`); `undefined` when it is one of them or nothing is close.
 */
export function suggestEmail(email: string): string | undefined {
  const at = email.lastIndexOf('@')
  const domain = email.slice(at + 1).toLowerCase()
  if (at < 1 || COMMON.includes(domain)) return undefined
  // One edit only (a swap counts as one): two edits turn real domains into others (acme.com → me.com).
  let best: string | undefined
  let bestD = 1
  for (const c of COMMON) {
    const dd = distance(domain, c)
    if (dd > 0 && (dd < bestD || (dd === bestD && !best))) {
      best = c
      bestD = dd
    }
  }
  return best && `${email.slice(0, at)}@${best}`
}
