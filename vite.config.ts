/**
 * Two builds, because an IIFE cannot code-split:
 *
 * - `vite build --mode widget`: the chat window as ES modules with content-hashed
 *   names in `dist/assets/` (entry `widget-[hash].js`, the lazy phone chunk, …) and
 *   a manifest;
 * - `vite build --mode loader`: `dist/Reekolect.js`, a classic script with a stable
 *   name, which imports the widget entry by the URL read from that manifest,
 *   relative to its own `src`; plus the landing page `dist/page.html`.
 *
 * - `vite build --mode settings`: the settings chunk the loader imports at page load
 *   when the bot has a configuration document.
 *
 * - `vite build --mode demo`: the demo's playground (demo/index.html and its
 *   preview page, their TypeScript and CSS) into `dist/demo/`, which the demo
 *   server serves; not part of the shipped package.
 *
 * `npm run build` runs them in that order: widget, settings, loader, then the npm
 * entry and the demo.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { defineConfig, type UserConfig } from 'vite'

/**
 * JSX of the chat window's components as Preact's `h(type, props, ...children)`
 * calls (the classic transform), `h` and `Fragment` imported from preact in every
 * module that uses them (Rolldown's `transform.inject`, as @rollup/plugin-inject:
 * only where the name is free, so widget/index.ts keeps its own import). The
 * same vnodes as the automatic runtime's `jsx()`, but the chat entry needs no
 * `preact/jsx-runtime` besides `h`, and an element's children are arguments,
 * not a `children` property: 134 B less brotli (median of 61 random sets of chunk
 * hashes). tsconfig.json keeps `react-jsx` with preact as the import source, for
 * the JSX types only (its classic mode would ask every component to import `h`);
 * vitest.config.ts transforms tests the same way as this build.
 */
const jsx = { runtime: 'classic', pragma: 'h', pragmaFrag: 'Fragment' } as const
const jsxImports = { h: ['preact', 'h'], Fragment: ['preact', 'Fragment'] } satisfies Record<
  string,
  [string, string]
>

/**
 * The loader's syntax: what parses in browsers since 2020 (dynamic `import()`,
 * `?.`, `??`), so that an older browser gets one E_LOADER line, not a syntax error
 * (it cannot run the chat: constructable stylesheets, README "Browser support").
 * Chrome/Edge 91, not 87: Oxc lowers every `?.` for Chromium 90 and older (a V8
 * bug with spread arguments in optional calls, fixed in 91; Babel's
 * bugfix-v8-spread-parameters-in-optional-chaining), a pattern the loader does
 * not use; `??` in the output already needs the browsers that parse `?.`
 * (Chrome 80, Firefox 74, Safari 13.1). Native `?.` saves 21 B of the 2 KiB
 * budget. CSS targets are newer so that lightningcss does not expand `system-ui`
 * and `place-items` into long fallbacks (CSS degrades gracefully).
 */
export const target = ['es2020', 'chrome91', 'edge91', 'firefox78', 'safari14']
/**
 * The chat window chunk may use class fields and private methods natively (ky
 * does): transpiling them to WeakMaps and helpers costs 2.4 KB (526 B brotli) of
 * the chat budget, and the helpers run slower than native fields. Chrome and Edge
 * 98, not 94: Oxc lowers every class field for Chromium 97 and older (checked:
 * chrome97 gives 7 WeakMaps, chrome98 none), whose V8 mishandled static fields
 * that redefine `name` or `length` (crbug.com/v8/12421; Babel's
 * bugfix-v8-static-class-fields-redefine-readonly). Browsers of 2022 on.
 */
export const widgetTarget = ['es2022', 'chrome98', 'edge98', 'firefox93', 'safari16.4']
export const cssTarget = ['chrome111', 'edge111', 'firefox113', 'safari16.4']

/**
 * V8's per-file explicit compile hint (Chrome 136+; WICG
 * explicit-javascript-compile-hints-file-based), as the first line of a file whose
 * functions nearly all run as soon as it loads: V8 then compiles them eagerly, on
 * the thread that streams the script where it can, instead of lazily on the host's
 * main thread. Measured with `npm run bench` A/Bs: loader -0.9 ms of main-thread CPU
 * at 1x; settings chunk -2.8 ms at 1x (13.1 -> 10.3 ms with the loader), -15 ms at 4x.
 * Not for chunks that run a small part of themselves (libphonenumber-js's metadata).
 */
export const COMPILE_HINT = '//# allFunctionsCalledOnLoad'

/**
 * Names of the chat and settings builds' chunks: `assets/<name>-<hash>.js`, the
 * hash 6 hex digits (`hashCharacters: 'hex'`) of the chunk's content. The names
 * are strings in the code that imports the chunks (the loader carries the entry's
 * and the settings chunk's, the chat entry a dozen lazy chunks'), and random
 * digits barely compress: hex compresses to fewer bytes, and more steadily, than
 * base64 (a new hash moved the loader's brotli size by up to 9 B), and 6 digits
 * instead of Rolldown's default 8 save about 1.5 B of brotli per name (15 B of
 * the chat entry, median of 61 random sets of hashes). 16.7 million
 * values are ample to bust the cache of a changed chunk (files in `assets/` are
 * served as immutable): two versions of one chunk share a name with a chance of
 * 1 in 16.7 million.
 */
const HASHED = 'assets/[name]-[hash:6].js'

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
      minify: true,
      // Library mode: Vite then wraps no dynamic import in its preload helper (over
      // 1 KiB here, and it would add <link> tags to the host page's <head>);
      // `modulePreload: false` alone keeps the helper (vitejs/vite#18551).
      lib: { entry: { widget: 'widget/index.ts' }, formats: ['es'] },
      modulePreload: false,
      rolldownOptions: {
        // 'allow-extension' lets Rolldown merge modules shared with lazy chunks into the entry
        // instead of a separate shared chunk (one request, better compression).
        preserveEntrySignatures: 'allow-extension',
        transform: { inject: jsxImports },
        output: {
          entryFileNames: HASHED,
          chunkFileNames: HASHED,
          hashCharacters: 'hex',
          // The chat window's entry runs nearly all of itself on open.
          postBanner: (chunk) => (chunk.isEntry ? COMPILE_HINT : ''),
          // Library mode keeps whitespace in ES output by default: minify fully.
          minify: true,
          // The minifier keeps /* @__PURE__ */ annotations (43 in the entry: 539
          // bytes to parse, next to nothing compressed): only a later bundler could
          // use them, and nothing bundles these files again.
          comments: { legal: true, annotation: false, jsdoc: false },
        },
      },
    },
  }
}

/**
 * The settings chunk as its own build: it shares nothing with the chat window
 * chunk, so Rolldown cannot pull chat code into it (or it into the chat), and a
 * page with a configured bot downloads only it until the visitor reaches for the chat.
 * Its one lazy chunk is the triggers' teaser (widget/teaser/), a copy of the chat
 * build's. Library mode, as for the chat window: no preload helper around that
 * dynamic import (over 1 KiB brotli here).
 */
function settings(): UserConfig {
  return {
    base: './',
    publicDir: false,
    build: {
      outDir: 'dist',
      emptyOutDir: false,
      target: widgetTarget,
      manifest: '.vite/settings-manifest.json',
      minify: true,
      lib: { entry: { settings: 'widget/config/settings.ts' }, formats: ['es'] },
      modulePreload: false,
      rolldownOptions: {
        preserveEntrySignatures: 'strict',
        output: {
          entryFileNames: HASHED,
          chunkFileNames: HASHED,
          hashCharacters: 'hex',
          postBanner: (chunk) => (chunk.isEntry ? COMPILE_HINT : ''),
          // Library mode keeps whitespace in ES output by default: minify fully.
          minify: true,
          comments: { legal: true, annotation: false, jsdoc: false },
        },
      },
    },
  }
}

/** The file of `source` in a manifest of `dist/.vite/`. */
function built(manifest: string, source: string): string {
  const m = JSON.parse(readFileSync(`dist/.vite/${manifest}`, 'utf8')) as Record<
    string,
    { file: string }
  >
  const file = m[source]?.file
  if (!file) throw new Error(`dist/.vite/${manifest} has no ${source}: run \`npm run build\``)
  return JSON.stringify(`./${file}`)
}

function loader(): UserConfig {
  return {
    publicDir: 'loader/public',
    define: {
      __WIDGET_ENTRY__: built('manifest.json', 'widget/index.ts'),
      __SETTINGS_ENTRY__: built('settings-manifest.json', 'widget/config/settings.ts'),
    },
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
      rolldownOptions: {
        output: { postBanner: COMPILE_HINT },
      },
    },
  }
}

/**
 * The playground as a multi-page app rooted at `demo/`: each HTML entry is written
 * to the same path under `dist/demo/` (`index.html`, `playground/preview.html`),
 * pointing at its scripts and styles in `dist/demo/assets/` with hashed names,
 * served under `/demo/` (demo/routes/static.ts). It runs in the browsers the
 * playground is used in, so it keeps modern syntax and needs no preload polyfill.
 */
function demo(): UserConfig {
  return {
    root: 'demo',
    base: '/demo/',
    publicDir: false,
    build: {
      outDir: resolve('dist/demo'),
      // Outside the root, so Vite asks: only dist/demo/ is emptied.
      emptyOutDir: true,
      target: 'es2022',
      modulePreload: { polyfill: false },
      rolldownOptions: {
        input: {
          playground: resolve('demo/index.html'),
          preview: resolve('demo/playground/preview.html'),
        },
      },
    },
  }
}

export default defineConfig(({ mode }) =>
  mode === 'loader'
    ? loader()
    : mode === 'settings'
      ? settings()
      : mode === 'demo'
        ? demo()
        : widget(),
)
