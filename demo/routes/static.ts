/**
 * The demo's files: the playground (built by `vite build --mode demo` into
 * `dist/demo/`), the shipped landing page pointed at this API, the built widget
 * (`dist/`), and the host pages, fixtures and templates of `demo/` as they are
 * (the CSP host pages with their policy). Mount it last: `/demo/*` answers every
 * GET under `/demo/` the other sub-apps have not.
 */
import { existsSync, readFileSync } from 'node:fs'
import { extname, join, normalize } from 'node:path'
import { type Context, Hono } from 'hono'
import type { DemoState } from '../state'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
}

/**
 * Content Security Policies of the demo's CSP host pages (demo/csp/NAME.html): the
 * strictest a site may set with the widget embedded. docs/architecture.md, "Security, CSP and privacy", lists them.
 */
export const CSP_POLICIES: Record<string, string> = {
  strict:
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; require-trusted-types-for 'script'; trusted-types 'none'",
  nonce:
    "script-src 'nonce-demo-nonce' 'strict-dynamic'; style-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; require-trusted-types-for 'script'",
}

/** `Cache-Control` of content-hashed files: their content never changes. */
const IMMUTABLE = 'public, max-age=31536000, immutable'

/** The file at `path`, typed by its extension, or a 404 `not found`. */
const file = (c: Context, path: string, cache = 'no-cache') => {
  if (!existsSync(path)) return c.text('not found', 404)
  c.header('content-type', TYPES[extname(path)] ?? 'application/octet-stream')
  c.header('cache-control', cache)
  return c.body(readFileSync(path))
}

/** `rel` inside `root`, or a path that does not exist when `rel` climbs out of it. */
const inside = (root: string, rel: string) => {
  const p = normalize(join(root, rel))
  return p.startsWith(root) ? p : join(root, '__none__')
}

/** The demo's pages and files. */
export function staticFiles(state: DemoState): Hono {
  const { dist, demo, token } = state
  /** The built playground: its two pages, and their scripts and styles with hashed names. */
  const playground = join(dist, 'demo')
  const built = (c: Context, rel: string) =>
    existsSync(join(playground, rel))
      ? file(c, join(playground, rel))
      : c.text('run npm run build first', 404)
  const app = new Hono()

  app.get('/', (c) => built(c, 'index.html'))
  app.get('/demo/playground/preview.html', (c) => built(c, 'playground/preview.html'))
  app.get('/demo/assets/*', (c) =>
    file(c, inside(playground, c.req.path.slice('/demo'.length)), IMMUTABLE),
  )
  app.get('/favicon.ico', (c) => c.body(null, 204))
  // The shipped landing page, pointed at this demo API, token and the bot's
  // configuration document (the one the playground saves; 204 while there is none),
  // as a deployment would configure its tag.
  app.get('/page/*', (c) => {
    const path = join(dist, 'page.html')
    if (!existsSync(path)) return c.text('run npm run build first', 404)
    const bot = c.req.path.split('/').filter(Boolean).at(-2) ?? ''
    // encodeURIComponent leaves no " < > & in it: safe inside the double-quoted attribute.
    const config = `/widget/${encodeURIComponent(bot)}/config.json`
    return c.html(
      readFileSync(path, 'utf8').replace(
        'data-mode="page"',
        `data-mode="page" data-api-url="/" data-token="${token}" data-config-url="${config}"`,
      ),
    )
  })
  app.get('/Reekolect.js', (c) => file(c, join(dist, 'Reekolect.js')))
  app.get('/page.css', (c) => file(c, join(dist, 'page.css')))
  // Hashed names never change content: cache them for a year.
  app.get('/assets/*', (c) => file(c, inside(dist, c.req.path), IMMUTABLE))
  app.get('/demo/csp/:name{[a-z]+\\.html}', (c) => {
    const policy = CSP_POLICIES[c.req.param('name').replace('.html', '')]
    if (policy) c.header('content-security-policy', policy)
    return file(c, inside(demo, c.req.path.slice('/demo'.length)))
  })
  app.get('/demo/*', (c) => file(c, inside(demo, c.req.path.slice('/demo'.length))))

  return app
}
