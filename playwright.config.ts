/**
 * End-to-end tests drive the built bundle (`dist/`, from `npm run build`) served
 * by the demo server on a private port with a throw-away database.
 */
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defineConfig } from '@playwright/test'
import { chromiumArgs, chromiumPath } from './e2e/browser'

const port = Number(process.env.E2E_PORT ?? 4599)
const db = join(tmpdir(), `reekolect-e2e-${process.pid}-${Date.now()}.db`)

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: true,
  workers: process.env.CI ? 2 : undefined,
  // One retry on CI only: a test that needs it is reported as "flaky" in the output.
  retries: process.env.CI ? 1 : 0,
  timeout: 30_000,
  expect: { timeout: 7_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
    trace: 'retain-on-failure',
  },
  webServer: {
    command: 'npx tsx demo/server.ts',
    url: `http://127.0.0.1:${port}/demo/api/fault`,
    env: { PORT: String(port), REEKOLECT_DB: db, REEKOLECT_TOKEN: 'demo-token' },
    reuseExistingServer: false,
    timeout: 30_000,
  },
})
