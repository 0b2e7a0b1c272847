/**
 * Two builds, because an IIFE cannot code-split (DESIGN.md §5):
 *
 * - `vite build --mode widget`: the chat window as ES modules with content-hashed
 *   names in `dist/assets/` (entry `widget-[hash].js`, the lazy phone chunk, …) and
 *   a manifest;
 * - `vite build --mode loader`: `dist/Reekolect.js`, a classic script with a stable
 *   name, which imports the widget entry by the URL read from that manifest,
 *   relative to its own `src`; plus the landing page `dist/page.html`.
 *
 * `npm run build` runs both, widget first.
 */
import { readFileSync } from 'node:fs'
import { defineConfig, type UserConfig } from 'vite'

const jsx = { runtime: 'automatic', importSource: 'preact' } as const

/**
 * Browser support: evergreen browsers of the last ~4 years (dynamic `import()`,
 * shadow DOM, `??`). CSS targets are newer so that lightningcss does not expand
 * `system-ui` and `place-items` into long fallbacks (CSS degrades gracefully).
 */
const target = ['es2020', 'chrome87', 'edge88', 'firefox78', 'safari14']
/**
 * The chat window chunk may use class fields and private methods natively (ky
 * does): transpiling them to WeakMaps and helpers costs over a KiB. Browsers of
 * 2021 on (Safari 15, Chrome 91, Firefox 90).
 */
const widgetTarget = ['es2022', 'chrome94', 'edge94', 'firefox93', 'safari16.4']
const cssTarget = ['chrome111', 'edge111', 'firefox113', 'safari16.4']

function widget(): UserConfig {
  return {
    base: './',
    publicDir: false,
    oxc: { jsx },
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      target: widgetTarget,
      cssTarget,
      manifest: true,
      // No preload helper: it would add <link> tags to the host page's <head>.
      modulePreload: false,
      rolldownOptions: {
        input: { widget: 'widget/index.ts' },
        // 'allow-extension' lets Rolldown merge modules shared with lazy chunks into the entry
        // instead of a separate shared chunk (one request, better compression).
        preserveEntrySignatures: 'allow-extension',
        output: {
          entryFileNames: 'assets/[name]-[hash].js',
          chunkFileNames: 'assets/[name]-[hash].js',
        },
      },
    },
  }
}

function loader(): UserConfig {
  const manifest = JSON.parse(readFileSync('dist/.vite/manifest.json', 'utf8')) as Record<
    string,
    { file: string }
  >
  const entry = manifest['widget/index.ts']?.file
  if (!entry)
    throw new Error(
      'dist/.vite/manifest.json has no widget entry: run `vite build --mode widget` first',
    )
  return {
    publicDir: 'loader/public',
    define: { __WIDGET_ENTRY__: JSON.stringify(`./${entry}`) },
    build: {
      outDir: 'dist',
      emptyOutDir: false,
      target,
      cssTarget,
      minify: true,
      lib: {
        entry: 'loader/index.ts',
        formats: ['iife'],
        name: 'ReekolectLoader',
        fileName: () => 'Reekolect.js',
      },
    },
  }
}

export default defineConfig(({ mode }) => (mode === 'loader' ? loader() : widget()))
