/**
 * The npm package's ES module entry, `dist/npm/index.js` (`npm run build:npm`):
 * `load()` for sites that bundle their JavaScript. It runs after the widget and
 * loader builds (`npm run build`) and keeps what they wrote in `dist/`. Left
 * unminified: the site's bundler minifies. Its types, `dist/npm/types/`, come
 * from `tsc -p tsconfig.npm.json`.
 */
import { defineConfig } from 'vite'

export default defineConfig({
  publicDir: false,
  build: {
    outDir: 'dist/npm',
    emptyOutDir: false,
    target: 'es2020',
    minify: false,
    lib: {
      entry: 'npm/index.ts',
      formats: ['es'],
      fileName: () => 'index.js',
    },
  },
})
