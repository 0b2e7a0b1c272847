// @vitest-environment happy-dom
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ReekolectApi } from '../../loader/protocol'
import { localizeDocument } from './locale'
import { parseConfig, type Settings } from './schema'
import {
  allowed,
  applySettings,
  contrast,
  DARK,
  darkInk,
  designCss,
  type LoadedConfig,
  luminance,
  matches,
  palette,
  themeCss,
} from './settings'

const WHITE = luminance('#ffffff')
/** The loader's launcher styles, which the Design settings override. */
const LAUNCHER_CSS = readFileSync(join(import.meta.dirname, '../../loader/launcher.css'), 'utf8')
const URL_ = 'https://api.example.com/widget/bot1/config.json'
/** The sheets of everything the widget draws in its shadow root, in the order they are adopted after the settings sheet. */
const CHUNK_CSS = [
  'widget/ui/chat.css',
  'widget/ui/phone.css',
  'widget/rich/rich.css',
  'widget/live/live.css',
].map((f) => readFileSync(join(import.meta.dirname, '../..', f), 'utf8'))

/** The Design settings with defaults, changed by `over`. */
const design = (over: Partial<Settings['design']> = {}): Settings['design'] => {
  const r = parseConfig({
    version: 1,
    flows: [{ id: 'f', nodes: [{ id: 'a', type: 'end' }] }],
    settings: { design: over },
  })
  if ('issues' in r) throw new Error(JSON.stringify(r.issues))
  return localizeDocument(r.config, 'en').settings.design
}

describe('luminance and contrast', () => {
  it('give the WCAG values for black and white', () => {
    expect(luminance('#ffffff')).toBeCloseTo(1, 5)
    expect(luminance('#000000')).toBe(0)
    expect(contrast(1, 0)).toBeCloseTo(21, 5)
    expect(contrast(0, 1)).toBeCloseTo(21, 5)
    expect(contrast(0.5, 0.5)).toBe(1)
  })

  it('read #rgb like #rrggbb', () => {
    expect(luminance('#fc0')).toBe(luminance('#ffcc00'))
  })

  it('match a known ratio: #767676 on white is about 4.54:1', () => {
    expect(contrast(luminance('#767676'), WHITE)).toBeCloseTo(4.54, 2)
  })
})

describe('palette', () => {
  it.each(['#000000', '#4338ca', '#1e3a8a', '#b91c1c', '#064e3b'])(
    'puts white text on the dark colour %s',
    (c) => {
      expect(palette(c).on).toBe('#ffffff')
      expect(contrast(luminance(c), WHITE)).toBeGreaterThanOrEqual(4.5)
    },
  )

  it.each(['#ffffff', '#ffcc00', '#a7f3d0', '#fde68a', '#22d3ee', '#fc0'])(
    'puts dark text on the light colour %s',
    (c) => {
      const { on } = palette(c)
      expect(on).not.toBe('#ffffff')
      expect(contrast(luminance(c), luminance(on))).toBeGreaterThanOrEqual(4.5)
    },
  )

  it('always picks the text colour that contrasts more', () => {
    for (let i = 0; i < 4096; i += 37) {
      const c = `#${i.toString(16).padStart(3, '0')}`
      const { on } = palette(c)
      const other = on === '#ffffff' ? '#111111' : '#ffffff'
      expect(contrast(luminance(c), luminance(on))).toBeGreaterThanOrEqual(
        contrast(luminance(c), luminance(other)),
      )
    }
  })

  it('keeps a primary colour that reads on white as ink', () => {
    expect(palette('#4338ca').ink).toBe('#4338ca')
    expect(palette('#000000').ink).toBe('#000000')
  })

  it.each(['#ffcc00', '#ffffff', '#a7f3d0', '#22d3ee', '#fc0'])(
    'darkens the light colour %s into an ink that reads on white (≥ 4.5:1)',
    (c) => {
      const { ink } = palette(c)
      expect(ink).toMatch(/^#[0-9a-f]{6}$/)
      expect(contrast(luminance(ink), WHITE)).toBeGreaterThanOrEqual(4.5)
    },
  )

  it('gives a readable ink for every colour', () => {
    for (let i = 0; i < 4096; i += 7) {
      const c = `#${i.toString(16).padStart(3, '0')}`
      expect(contrast(luminance(palette(c).ink), WHITE), c).toBeGreaterThanOrEqual(4.5)
    }
  })

  it('keeps the hue while darkening (yellow stays yellowish, not grey)', () => {
    const ink = palette('#ffcc00').ink
    const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(ink.slice(i, i + 2), 16)) as [
      number,
      number,
      number,
    ]
    expect(r).toBeGreaterThan(g)
    expect(g).toBeGreaterThan(b)
  })
})

describe('matches and allowed', () => {
  it.each([
    ['/blog/post-1', '/blog/*', true],
    ['/blog', '/blog/*', false],
    ['/en/pricing/teams', '*pricing*', true],
    ['/PRICING', '/pricing', true],
    ['/checkout', '/checkout', true],
    ['/checkout/step-2', '/checkout', false],
    ['/axb', '/a.b', false],
    ['/a.b', '/a.b', true],
    ['/a+b', '/a+b', true],
    ['/aab', '/a+b', false],
    ['/x(1)', '/x(1)', true],
    ['/anything/at/all', '*', true],
  ])('%s against %s: %s', (path, pattern, expected) => {
    expect(matches(path, pattern)).toBe(expected)
  })

  it('allows every page with empty lists', () => {
    expect(allowed('/any', [], [])).toBe(true)
  })

  it('allows only included pages when there is an include list', () => {
    expect(allowed('/pricing', ['/pricing', '/blog/*'], [])).toBe(true)
    expect(allowed('/blog/a', ['/pricing', '/blog/*'], [])).toBe(true)
    expect(allowed('/about', ['/pricing', '/blog/*'], [])).toBe(false)
  })

  it('lets exclusion win over inclusion', () => {
    expect(allowed('/blog/secret', ['/blog/*'], ['*/secret'])).toBe(false)
    expect(allowed('/admin', [], ['/admin'])).toBe(false)
  })
})

/** Mounts a launcher like the loader does: host element, shadow root, launcher.css, button. */
function launcherHost() {
  const host = document.createElement('div')
  host.setAttribute('data-reekolect', 'launcher')
  document.body.append(host)
  const root = host.attachShadow({ mode: 'open' })
  const base = new CSSStyleSheet()
  base.replaceSync(LAUNCHER_CSS)
  root.adoptedStyleSheets = [base]
  const button = document.createElement('button')
  button.className = 'launcher'
  root.append(button)
  /** `window.Reekolect` as the loader hands it over: a spy. */
  const api = vi.fn()
  const style = () => {
    // happy-dom caches computed styles and misses `replaceSync` on an adopted sheet:
    // adopting the same sheets again makes it recompute (browsers need no nudge).
    root.adoptedStyleSheets = [...root.adoptedStyleSheets]
    return getComputedStyle(button)
  }
  return { host, root, button, api, style }
}

describe('designCss', () => {
  /** The launcher's computed style under `css` (launcher.css first, like the loader). */
  const styled = (css: string) => {
    const l = launcherHost()
    const sheet = new CSSStyleSheet()
    sheet.replaceSync(css)
    l.root.adoptedStyleSheets = [...l.root.adoptedStyleSheets, sheet]
    return l
  }

  it('colours the launcher and places it from the Design settings', () => {
    const l = styled(
      designCss(design({ primaryColor: '#ffcc00', offsetX: 8, offsetY: 30 }), false, false),
    )
    const s = l.style()
    expect(s.backgroundColor).toBe('#ffcc00')
    expect(s.color).toBe(palette('#ffcc00').on)
    expect(s.right).toBe('8px')
    expect(s.bottom).toBe('30px')
    expect(s.display).toBe('grid')
  })

  it('puts the launcher on the left', () => {
    const s = styled(designCss(design({ position: 'left', offsetX: 12 }), false, false)).style()
    expect(s.left).toBe('12px')
    expect(s.right).toBe('auto')
  })

  it('keeps the launcher on the right by default', () => {
    const s = styled(designCss(design(), false, false)).style()
    expect(s.right).toBe('20px')
    expect(s.left).not.toBe('20px')
  })

  it('hides the launcher where User Access says so', () => {
    expect(styled(designCss(design(), true, false)).style().display).toBe('none')
  })

  it('hides the launcher on narrow screens only with hideOnMobile', () => {
    const viewport = (width: number) =>
      (
        window as unknown as { happyDOM: { setViewport(v: { width: number }): void } }
      ).happyDOM.setViewport({ width })
    const mobile = styled(designCss(design(), false, true))
    const always = styled(designCss(design(), false, false))
    try {
      expect(mobile.style().display).toBe('grid')
      viewport(599)
      expect(mobile.style().display).toBe('none')
      expect(always.style().display).toBe('grid')
      viewport(600)
      expect(mobile.style().display).toBe('grid')
    } finally {
      viewport(1024)
    }
  })

  it('draws a question mark for the help icon', () => {
    const css = designCss(design({ launcherIcon: 'help' }), false, false)
    const sheet = new CSSStyleSheet()
    sheet.replaceSync(css)
    const rules = [...sheet.cssRules].map((r) => r.cssText)
    expect(
      rules.some(
        (r) => r.startsWith('[aria-expanded="false"]::before') && r.includes('content: "?"'),
      ),
    ).toBe(true)
    expect(designCss(design(), false, false)).not.toContain('"?"')
  })
})

describe('the teaser beside the launcher under the Design and User Access settings', () => {
  const TEASER_CSS = readFileSync(join(import.meta.dirname, '../teaser/teaser.css'), 'utf8')
  /** A teaser card's computed style under teaser.css and then `css` (the Design sheet comes first in the page, which must not matter). */
  const card = (css: string) => {
    const l = launcherHost()
    const el = document.createElement('div')
    el.className = 'teaser'
    l.root.append(el)
    const sheets = [css, TEASER_CSS].map((text) => {
      const sheet = new CSSStyleSheet()
      sheet.replaceSync(text)
      return sheet
    })
    l.root.adoptedStyleSheets = [...l.root.adoptedStyleSheets, ...sheets]
    return getComputedStyle(el)
  }

  it('sits on the launcher’s side', () => {
    expect(card(designCss(design(), false, false)).right).toBe('20px')
    const left = card(designCss(design({ position: 'left', offsetX: 12 }), false, false))
    expect(left.left).toBe('12px')
    expect(left.right).toBe('auto')
  })

  it('hides with the launcher', () => {
    expect(card(designCss(design(), false, false)).display).toBe('block')
    expect(card(designCss(design(), true, false)).display).toBe('none')
  })
})

describe('themeCss', () => {
  /** The dark surfaces ink (outlined buttons, checkboxes, the focus ring) is drawn on or next to. */
  const INK_GROUNDS = [DARK.log, DARK.surface, DARK.raised, DARK.hover]
  /** The system setting `prefers-color-scheme` as happy-dom reports it. */
  const scheme = (s: 'light' | 'dark') => {
    ;(
      window as unknown as { happyDOM: { settings: { device: { prefersColorScheme: string } } } }
    ).happyDOM.settings.device.prefersColorScheme = s
  }
  afterEach(() => {
    scheme('light')
    document.body.replaceChildren()
  })

  /**
   * A chat window with a part of every kind, in a shadow root with the sheets in
   * the loader's order: launcher.css, the settings sheet, then the chunks' sheets.
   */
  const windowHost = (over: Partial<Settings['design']>) => {
    const l = launcherHost()
    const settingsSheet = new CSSStyleSheet()
    settingsSheet.replaceSync(designCss(design(over), false, false))
    const rest = CHUNK_CSS.map((css) => {
      const sheet = new CSSStyleSheet()
      sheet.replaceSync(css)
      return sheet
    })
    l.root.adoptedStyleSheets = [...l.root.adoptedStyleSheets, settingsSheet, ...rest]
    const el = (tag: string, cls: string, parent: Element, text = '') => {
      const e = document.createElement(tag)
      e.className = cls
      e.textContent = text
      parent.append(e)
      return e
    }
    const win = el('section', 'win float full', l.root as unknown as Element)
    const head = el('header', 'head', win)
    const parts = {
      title: el('h2', '', head, 'Chat with us'),
      log: el('div', 'log', win),
      bot: el('p', 'msg bot', win, 'What is your name?'),
      visitor: el('p', 'msg visitor', win, 'Ada'),
      agent: el('p', 'msg agent', win, 'Hi, Sam here'),
      card: el('li', 'card', win),
      live: el('p', 'live', win, 'Sam is here'),
      note: el('p', 'note', win, 'Not sent yet, retrying'),
      composer: el('form', 'composer', win),
      choices: el('fieldset', 'choices', win),
      stars: el('fieldset', 'choices stars', win),
      multi: el('fieldset', 'choices multi', win),
      brand: el('p', 'brand', win, 'Powered by Reekolect'),
    }
    const more = {
      cardText: el('p', 'cx', parts.card, 'Leaks and tiles'),
      input: el('input', 'input', parts.composer),
      send: el('button', 'send', parts.composer, 'Send'),
      err: el('p', 'err', parts.composer, 'Please enter a valid email address'),
      choice: el('button', 'choice', parts.choices, 'Support'),
      star: el('button', 'star', parts.stars, '★'),
      check: el('label', 'check', parts.multi, 'Chimney'),
    }
    const all = { ...parts, ...more }
    /** Computed style of a part; happy-dom recomputes after the sheets are adopted again. */
    const style = (k: keyof typeof all) => {
      l.root.adoptedStyleSheets = [...l.root.adoptedStyleSheets]
      return getComputedStyle(all[k])
    }
    /** The colour behind a part: its own background, else its nearest ancestor's. */
    const ground = (k: keyof typeof all) => {
      l.root.adoptedStyleSheets = [...l.root.adoptedStyleSheets]
      for (let e: Element | null = all[k]; e; e = e.parentElement) {
        const bg = getComputedStyle(e).backgroundColor
        if (/^#[0-9a-f]{3,6}$/i.test(bg)) return bg
      }
      throw new Error(`no background behind ${k}`)
    }
    return { ...l, style, ground }
  }

  /** Parts whose text must read at 4.5:1 on what is behind them. */
  const TEXTS = [
    'title',
    'bot',
    'visitor',
    'agent',
    'cardText',
    'live',
    'note',
    'input',
    'send',
    'err',
    'choice',
    'star',
    'check',
    'brand',
  ] as const

  it('adds nothing for the light theme', () => {
    expect(themeCss('light', '#4338ca')).toBe('')
    expect(designCss(design(), false, false)).toBe(
      designCss(design({ theme: 'light' }), false, false),
    )
  })

  it.each(['light', 'dark'] as const)(
    'draws every text of the %s window at 4.5:1 or more on its background',
    (theme) => {
      const w = windowHost({ theme })
      for (const k of TEXTS) {
        const fg = w.style(k).color
        expect(fg, k).toMatch(/^#[0-9a-f]{3,6}$/i)
        expect(contrast(luminance(fg), luminance(w.ground(k))), k).toBeGreaterThanOrEqual(4.5)
      }
    },
  )

  it('makes the window, the transcript, the bubbles and the input dark, and keeps the primary colour', () => {
    // The default primary colour: happy-dom ranks the chat sheet's later `:host`
    // rule above the settings sheet's `:host([data-reekolect])` (browsers go by
    // specificity), so a colour of the document's own is checked in Chromium
    // (e2e/theme.spec.ts).
    const w = windowHost({ theme: 'dark' })
    expect(w.ground('log')).toBe(DARK.log)
    expect(w.ground('bot')).toBe(DARK.raised)
    expect(w.ground('composer')).toBe(DARK.surface)
    expect(w.ground('input')).toBe(DARK.field)
    expect(w.style('bot').color).toBe(DARK.text)
    expect(w.style('input').color).toBe(DARK.text)
    expect(w.ground('visitor')).toBe('#4338ca')
    expect(w.ground('send')).toBe('#4338ca')
    expect(luminance(w.style('send').color)).toBe(luminance(palette('#4338ca').on))
    expect(w.style('choice').color).toBe(darkInk('#4338ca'))
  })

  it('draws field borders and refused answers at 3:1 or more on the dark surfaces', () => {
    const w = windowHost({ theme: 'dark' })
    for (const ground of [DARK.field, DARK.surface])
      expect(contrast(luminance(DARK.fieldLine), luminance(ground))).toBeGreaterThanOrEqual(3)
    expect(w.style('input').borderColor).toBe(DARK.fieldLine)
    for (const ground of [DARK.log, DARK.surface, DARK.field])
      expect(contrast(luminance(DARK.error), luminance(ground))).toBeGreaterThanOrEqual(3)
  })

  it.each(['#4338ca', '#000000', '#1e3a8a', '#b91c1c', '#ffcc00', '#ffffff', '#0f766e', '#fc0'])(
    'gives the primary colour %s a dark-theme ink that reads on every dark surface (outlines, focus ring)',
    (c) => {
      const ink = darkInk(c)
      expect(ink).toMatch(/^#[0-9a-f]{6}$/)
      for (const g of INK_GROUNDS)
        expect(contrast(luminance(ink), luminance(g)), g).toBeGreaterThanOrEqual(4.5)
      expect(themeCss('dark', c)).toContain(`--rk-ink:${ink}`)
    },
  )

  it('keeps a primary colour that already reads on dark as the ink, and lightens others keeping the hue', () => {
    expect(darkInk('#ffcc00')).toBe('#ffcc00')
    const red = darkInk('#b91c1c')
    expect(red).not.toBe('#b91c1c')
    const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(red.slice(i, i + 2), 16))
    expect(r).toBeGreaterThan(g as number)
    expect(g).toBe(b)
  })

  it('gives the launcher a light focus ring, and a rim of ink only when the primary colour hardly shows on dark', () => {
    const dim = themeCss('dark', '#1e3a8a')
    expect(dim).toContain(`.launcher{box-shadow:0 0 0 2px ${darkInk('#1e3a8a')}`)
    expect(dim).toContain('.launcher:focus-visible{outline-color:#fff')
    expect(themeCss('dark', '#ffcc00')).not.toContain('.launcher{')
  })

  it('follows the system setting with auto, and changes with it without applying anything again', () => {
    const w = windowHost({ theme: 'auto' })
    expect(w.ground('log')).toBe('#f6f7f9')
    scheme('dark')
    expect(w.ground('log')).toBe(DARK.log)
    expect(w.style('bot').color).toBe(DARK.text)
    scheme('light')
    expect(w.ground('log')).toBe('#f6f7f9')
    expect(w.style('bot').color).toBe('#1f2328')
  })

  it('keeps the dark theme dark in a light system setting, and light light in a dark one', () => {
    expect(windowHost({ theme: 'dark' }).ground('log')).toBe(DARK.log)
    scheme('dark')
    expect(windowHost({ theme: 'light' }).ground('log')).toBe('#f6f7f9')
  })
})

describe('applySettings', () => {
  const doc = (settings: unknown = {}) => ({
    version: 1,
    flows: [{ id: 'main', nodes: [{ id: 'hi', type: 'message', text: 'Hi' }] }],
    settings,
  })
  const respond = (body: unknown, status = 200) =>
    new Response(typeof body === 'string' ? body : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    })
  let errors: ReturnType<typeof vi.spyOn>
  const loaded: LoadedConfig[] = []
  const apply = async (host: ReturnType<typeof launcherHost>, outcome: unknown) => {
    const r = await applySettings(host.root, host.api as ReekolectApi, outcome, URL_)
    if (r) loaded.push(r)
    return r
  }

  beforeEach(() => {
    errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    sessionStorage.clear()
    history.replaceState(null, '', '/')
  })
  afterEach(() => {
    for (const l of loaded.splice(0)) l.dispose()
    vi.useRealTimers()
    errors.mockRestore()
    document.body.replaceChildren()
  })

  /** The one console error, which must be an E_CONFIG line naming the document. */
  const configError = () => {
    expect(errors).toHaveBeenCalledTimes(1)
    const line = String(errors.mock.calls[0]?.[0])
    expect(line).toMatch(/^\[Reekolect\] E_CONFIG: /)
    expect(line).toContain(URL_)
    return line
  }

  it('rejects an invalid document with one E_CONFIG line giving the path, and changes nothing', async () => {
    const l = launcherHost()
    const before = l.style().backgroundColor
    const r = await apply(l, respond(doc({ design: { primaryColor: 'red' } })))
    expect(r).toBeUndefined()
    const line = configError()
    expect(line).toContain('settings.design.primaryColor')
    expect(line).toContain('must be a #rrggbb colour')
    expect(l.root.adoptedStyleSheets).toHaveLength(1)
    expect(l.style().backgroundColor).toBe(before)
  })

  it('counts the other problems in the same line', async () => {
    const l = launcherHost()
    const bad = {
      version: 1,
      flows: [{ id: 'main', nodes: [{ id: 'a', type: 'message', text: 5, next: 'x' }] }],
      settings: { design: { primaryColor: 'red' } },
    }
    expect(await apply(l, respond(bad))).toBeUndefined()
    const line = configError()
    expect(line).toContain('flows.0.nodes.0.text')
    expect(line).toContain('(and 1 more)')
  })

  it('reports a document that answered with an error status', async () => {
    const l = launcherHost()
    expect(await apply(l, respond(doc(), 404))).toBeUndefined()
    expect(configError()).toContain('404')
    expect(l.root.adoptedStyleSheets).toHaveLength(1)
  })

  it('reports a document that could not be fetched', async () => {
    const l = launcherHost()
    expect(await apply(l, new TypeError('Failed to fetch'))).toBeUndefined()
    expect(configError()).toContain('Failed to fetch')
    expect(l.root.adoptedStyleSheets).toHaveLength(1)
  })

  it('reports a document that is not JSON', async () => {
    const l = launcherHost()
    expect(await apply(l, respond('<html>not json</html>'))).toBeUndefined()
    expect(configError()).toContain('not JSON')
  })

  it('applies a valid document: colours and places the launcher, returns the config', async () => {
    const l = launcherHost()
    const r = await apply(
      l,
      respond(doc({ design: { primaryColor: '#0f766e', position: 'left', offsetX: 40 } })),
    )
    expect(errors).not.toHaveBeenCalled()
    expect(r?.config.flows[0]?.id).toBe('main')
    expect(r?.config.settings.design.primaryColor).toBe('#0f766e')
    expect(l.root.adoptedStyleSheets).toHaveLength(2)
    expect(l.style().backgroundColor).toBe('#0f766e')
    expect(l.style().left).toBe('40px')
  })

  it('shows an image launcher icon, removed again on dispose', async () => {
    const l = launcherHost()
    const icon = 'https://cdn.example.com/icon.png'
    const r = await apply(l, respond(doc({ design: { launcherIcon: icon } })))
    const img = l.button.querySelector('img')
    expect(img?.getAttribute('src')).toBe(icon)
    expect(img?.getAttribute('alt')).toBe('')
    r?.dispose()
    expect(l.button.querySelector('img')).toBeNull()
  })

  it('names the theme on the host element for the page around the full-page chat, until dispose', async () => {
    const l = launcherHost()
    const r = await apply(l, respond(doc({ design: { theme: 'auto' } })))
    expect(l.host.getAttribute('data-theme')).toBe('auto')
    r?.dispose()
    expect(l.host.hasAttribute('data-theme')).toBe(false)
    expect((await apply(launcherHost(), respond(doc())))?.config.settings.design.theme).toBe(
      'light',
    )
  })

  it('dispose removes the stylesheet', async () => {
    const l = launcherHost()
    const r = await apply(l, respond(doc({ design: { primaryColor: '#0f766e' } })))
    r?.dispose()
    expect(l.root.adoptedStyleSheets).toHaveLength(1)
    expect(l.style().backgroundColor).toBe('#4338ca')
  })

  it('hides the launcher on a hideOn page, and shows it again after a route change', async () => {
    history.replaceState(null, '', '/checkout/pay')
    const l = launcherHost()
    await apply(l, respond(doc({ access: { hideOn: ['/checkout/*'] } })))
    expect(l.style().display).toBe('none')
    history.pushState(null, '', '/products')
    expect(l.style().display).toBe('grid')
    history.pushState(null, '', '/checkout/done')
    expect(l.style().display).toBe('none')
  })

  it('shows the launcher only on showOn pages', async () => {
    history.replaceState(null, '', '/about')
    const l = launcherHost()
    await apply(l, respond(doc({ access: { showOn: ['/pricing*'] } })))
    expect(l.style().display).toBe('none')
    history.pushState(null, '', '/pricing')
    expect(l.style().display).toBe('grid')
  })

  it('stops following route changes on dispose', async () => {
    const original = history.pushState
    const l = launcherHost()
    const r = await apply(l, respond(doc({ access: { hideOn: ['/secret'] } })))
    r?.dispose()
    expect(history.pushState).toBe(original)
    history.pushState(null, '', '/secret')
    expect(l.style().display).toBe('grid')
  })

  /** The teaser's message button, once its chunk has loaded; `null` when none shows. */
  const teaser = async (l: ReturnType<typeof launcherHost>) => {
    await vi.dynamicImportSettled()
    return l.root.querySelector<HTMLElement>('.teaser .t-open')
  }

  it('shows the teaser once after afterSeconds; the chat window stays closed', async () => {
    vi.useFakeTimers()
    const l = launcherHost()
    await apply(l, respond(doc({ triggers: { afterSeconds: 5 } })))
    vi.advanceTimersByTime(4999)
    expect(await teaser(l)).toBeNull()
    vi.advanceTimersByTime(1)
    expect((await teaser(l))?.textContent).toBe('Hi')
    vi.advanceTimersByTime(60_000)
    expect(l.root.querySelectorAll('.teaser')).toHaveLength(1)
    expect(l.api).not.toHaveBeenCalled()
  })

  it('opens the chat from the teaser with `open` when it shows the bot’s own first message', async () => {
    vi.useFakeTimers()
    const l = launcherHost()
    await apply(l, respond(doc({ triggers: { afterSeconds: 1 } })))
    vi.advanceTimersByTime(1000)
    ;(await teaser(l))?.click()
    expect(l.api.mock.calls).toEqual([['open']])
    expect(l.root.querySelector('.teaser')).toBeNull()
  })

  it('asks the chat to say triggers.message first: showMessage with {open: true}', async () => {
    vi.useFakeTimers()
    const l = launcherHost()
    const message = 'Questions about pricing?'
    await apply(l, respond(doc({ triggers: { afterSeconds: 1, message } })))
    vi.advanceTimersByTime(1000)
    const t = await teaser(l)
    expect(t?.textContent).toBe(message)
    t?.click()
    expect(l.api.mock.calls).toEqual([['showMessage', message, { open: true }]])
  })

  it('shows triggers.message in the visitor’s language, and asks the chat to say that text', async () => {
    vi.useFakeTimers()
    const l = launcherHost()
    const message = { en: 'Questions about pricing?', fr: 'Des questions sur nos prix ?' }
    await apply(
      l,
      respond(doc({ general: { language: 'fr-CA' }, triggers: { afterSeconds: 1, message } })),
    )
    vi.advanceTimersByTime(1000)
    const t = await teaser(l)
    expect(t?.textContent).toBe(message.fr)
    t?.click()
    expect(l.api.mock.calls).toEqual([['showMessage', message.fr, { open: true }]])
  })

  it('keeps an armed timer through a state-only history change (same path)', async () => {
    vi.useFakeTimers()
    const l = launcherHost()
    await apply(l, respond(doc({ triggers: { afterSeconds: 5 } })))
    vi.advanceTimersByTime(3000)
    // The host saves its scroll position in history.state; the path is the same page.
    history.replaceState({ scrollY: 420 }, '')
    vi.advanceTimersByTime(2000)
    expect(await teaser(l)).not.toBeNull()
  })

  it('reads no sessionStorage at page load, only when a trigger is about to fire', async () => {
    vi.useFakeTimers()
    const getItem = vi.spyOn(sessionStorage, 'getItem')
    try {
      const l = launcherHost()
      await apply(l, respond(doc({ triggers: { afterSeconds: 5, scrollPercent: 50 } })))
      expect(getItem).not.toHaveBeenCalled()
      vi.advanceTimersByTime(5000)
      expect(getItem).toHaveBeenCalledWith('reekolect:auto')
      expect(await teaser(l)).not.toBeNull()
    } finally {
      getItem.mockRestore()
    }
  })

  it('does not tease again on the next page of the same session', async () => {
    vi.useFakeTimers()
    const first = launcherHost()
    const a = await apply(first, respond(doc({ triggers: { afterSeconds: 5 } })))
    vi.advanceTimersByTime(5000)
    expect(await teaser(first)).not.toBeNull()
    a?.dispose()
    // The next page in this tab: sessionStorage is kept.
    const next = launcherHost()
    await apply(next, respond(doc({ triggers: { afterSeconds: 5 } })))
    vi.advanceTimersByTime(60_000)
    expect(await teaser(next)).toBeNull()
  })

  it('teases on every page when oncePerSession is off, until the visitor dismisses it', async () => {
    vi.useFakeTimers()
    const settings = { triggers: { afterSeconds: 2, oncePerSession: false } }
    const page = async () => {
      const l = launcherHost()
      const r = await apply(l, respond(doc(settings)))
      vi.advanceTimersByTime(2000)
      return { l, t: await teaser(l), r }
    }
    const one = await page()
    expect(one.t).not.toBeNull()
    one.r?.dispose()
    const two = await page()
    expect(two.t).not.toBeNull()
    two.l.root.querySelector<HTMLElement>('.t-x')?.click()
    two.r?.dispose()
    const three = await page()
    expect(three.t).toBeNull()
    expect(three.l.api).not.toHaveBeenCalled()
  })

  it('does not tease on an excluded page', async () => {
    vi.useFakeTimers()
    history.replaceState(null, '', '/admin/users')
    const l = launcherHost()
    await apply(l, respond(doc({ triggers: { afterSeconds: 1, exclude: ['/admin/*'] } })))
    vi.advanceTimersByTime(10_000)
    expect(await teaser(l)).toBeNull()
  })

  it('action "open" opens the window on a wide screen, and teases on a phone', async () => {
    vi.useFakeTimers()
    const viewport = (width: number) =>
      (
        window as unknown as { happyDOM: { setViewport(v: { width: number }): void } }
      ).happyDOM.setViewport({ width })
    const settings = { triggers: { afterSeconds: 1, action: 'open', oncePerSession: false } }
    try {
      const wide = launcherHost()
      await apply(wide, respond(doc(settings)))
      vi.advanceTimersByTime(1000)
      expect(wide.api.mock.calls).toEqual([['open']])
      expect(await teaser(wide)).toBeNull()
      viewport(375)
      const phone = launcherHost()
      await apply(phone, respond(doc(settings)))
      vi.advanceTimersByTime(1000)
      expect(phone.api).not.toHaveBeenCalled()
      expect(await teaser(phone)).not.toBeNull()
    } finally {
      viewport(1024)
    }
  })

  it('speaks the bot’s language', async () => {
    vi.useFakeTimers()
    const l = launcherHost()
    await apply(l, respond(doc({ general: { language: 'de' }, triggers: { afterSeconds: 1 } })))
    vi.advanceTimersByTime(1000)
    await teaser(l)
    expect(l.root.querySelector('.t-x')?.getAttribute('aria-label')).toBe('Nachricht ausblenden')
  })

  it('dispose removes the teaser', async () => {
    vi.useFakeTimers()
    const l = launcherHost()
    const r = await apply(l, respond(doc({ triggers: { afterSeconds: 1 } })))
    vi.advanceTimersByTime(1000)
    expect(await teaser(l)).not.toBeNull()
    r?.dispose()
    expect(l.root.querySelector('.teaser')).toBeNull()
  })

  it('dispose stops a pending timer', async () => {
    vi.useFakeTimers()
    const l = launcherHost()
    const r = await apply(l, respond(doc({ triggers: { afterSeconds: 5 } })))
    vi.advanceTimersByTime(4000)
    r?.dispose()
    vi.advanceTimersByTime(60_000)
    expect(await teaser(l)).toBeNull()
  })
})
