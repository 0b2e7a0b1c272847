import type { RefObject } from 'preact'
import { useEffect } from 'preact/hooks'

/** Below this width (px) the chat window fills the screen (matches chat.css). */
const FULL_SCREEN = 480

/**
 * While the chat fills a phone's screen: keeps it inside the visual viewport, so
 * the on-screen keyboard never covers the composer (iOS does not resize the layout
 * viewport for the keyboard), and stops the page behind from scrolling, restoring
 * its scroll position on close. Both through constructable stylesheets: no style
 * attributes, so strict CSP holds.
 */
export function usePhoneLayout(ref: RefObject<HTMLElement>, active: boolean): void {
  useEffect(() => {
    const el = ref.current
    const root = el?.getRootNode()
    if (!active || !el || !(root instanceof ShadowRoot) || innerWidth >= FULL_SCREEN) return
    const fit = new CSSStyleSheet()
    const lock = new CSSStyleSheet()
    lock.replaceSync('html,body{overflow:hidden!important}')
    const y = scrollY
    const vv = visualViewport
    const update = () => {
      if (vv)
        fit.replaceSync(`.win.float.full{top:${vv.offsetTop}px;height:${vv.height}px;bottom:auto}`)
    }
    update()
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, fit]
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, lock]
    vv?.addEventListener('resize', update)
    vv?.addEventListener('scroll', update)
    return () => {
      vv?.removeEventListener('resize', update)
      vv?.removeEventListener('scroll', update)
      root.adoptedStyleSheets = root.adoptedStyleSheets.filter((s) => s !== fit)
      document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== lock)
      scrollTo(scrollX, y)
    }
  }, [active])
}
