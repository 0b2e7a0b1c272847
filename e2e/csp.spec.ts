/**
 * Strict Content Security Policy and Trusted Types: the widget loads, styles itself
 * and completes the built-in flow with zero `securitypolicyviolation` events.
 */
import { expect, test } from '@playwright/test'
import { completeFlow, launcher } from './helpers'

for (const name of ['strict', 'nonce']) {
  test(`zero CSP violations on the ${name} policy host with the flow completed`, async ({
    page,
  }) => {
    const errors: Error[] = []
    page.on('pageerror', (e) => errors.push(e))
    const res = await page.goto(`/demo/csp/${name}.html`)
    expect(res?.headers()['content-security-policy']).toContain('require-trusted-types-for')
    await launcher(page).click()
    await completeFlow(page, {
      name: 'Casey Policy',
      email: 'casey@example.com',
      phone: '07400 123456',
      country: 'GB',
      topic: 'Support',
    })
    // The widget is styled (constructable stylesheets are not blocked by style-src).
    const bg = await page
      .getByRole('button', { name: 'Send' })
      .or(page.getByRole('button', { name: 'Close chat' }).first())
      .first()
      .evaluate((el) => getComputedStyle(el).borderRadius)
    expect(bg).not.toBe('0px')
    expect(
      await page.evaluate(() => (window as unknown as { violations: string[] }).violations),
    ).toEqual([])
    expect(errors).toEqual([])
  })
}
