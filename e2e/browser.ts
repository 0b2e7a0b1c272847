/**
 * Which Chromium the tests and the benchmark drive. Playwright cannot download its
 * own browsers on our machines, so: `$CHROMIUM_PATH` if set, else Debian's
 * `/usr/bin/chromium` if present, else Playwright's own browser (where installed).
 */
import { existsSync } from 'node:fs'

const DEBIAN = '/usr/bin/chromium'

/** Executable path to pass to Playwright, or `undefined` for Playwright's bundled browser. */
export const chromiumPath: string | undefined =
  process.env.CHROMIUM_PATH || (existsSync(DEBIAN) ? DEBIAN : undefined)

/** Headless flags that work in our sandboxed, offline machines (see DEVELOPERS.md). */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
]
