// The docs page in a real browser: Swagger UI renders the app's operations from the
// local swagger-ui-dist files, and "Try it out" sends a live request to the running
// app. Needs Debian's chromium (apt-get install -y chromium); skipped without it,
// except under CI=true, where a missing browser fails the test.
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { test } from 'node:test'
import { type Browser, chromium } from 'playwright-core'
import { serve, type TestServer } from 'saker/testing'
import { newsletterApp } from '../../examples/hand-written/app.ts'

const CHROMIUM = '/usr/bin/chromium'
const MISSING = 'chromium not installed: apt-get install chromium'
const hasChromium = existsSync(CHROMIUM)
const WAIT = 15_000

test('Swagger UI at /docs renders the operations and Try it out gets a live 200', {
  skip: !hasChromium && process.env.CI !== 'true' ? MISSING : false,
  timeout: 60_000,
}, async () => {
  assert.ok(
    hasChromium,
    `${MISSING} (${CHROMIUM} is missing; CI=true, so this test fails instead of skipping)`,
  )

  let server: TestServer | undefined
  let browser: Browser | undefined
  try {
    server = await serve(newsletterApp({ logger: false }))
    const { url } = server
    const email = 'ada.docs-ui@example.com'
    const created = await fetch(`${url}/api/v1/members`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ first_name: 'Ada', last_name: 'Lovelace', email }),
      signal: AbortSignal.timeout(WAIT),
    })
    assert.equal(created.status, 201, await created.text())

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: WAIT,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    })
    const page = await browser.newPage()
    page.setDefaultTimeout(WAIT)
    page.setDefaultNavigationTimeout(WAIT)

    const requested: string[] = []
    const errors: string[] = []
    page.on('request', (request) => requested.push(request.url()))
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console: ${message.text()}`)
    })
    page.on('pageerror', (error) => errors.push(`page: ${error.message}`))

    const landing = await page.goto(`${url}/docs`, { waitUntil: 'domcontentloaded' })
    assert.equal(landing?.status(), 200)
    assert.equal(page.url(), `${url}/docs/`, '/docs redirects to /docs/')

    const operation = page.locator('#operations-members-listMembers')
    await operation.waitFor({ state: 'visible' })
    await operation.locator('.opblock-summary-control').click()

    // NOTE: the page sets tryItOutEnabled, so the operation may open already in try-out mode ("Cancel").
    const tryOut = operation.locator('button.try-out__btn')
    await tryOut.waitFor({ state: 'visible' })
    if ((await tryOut.textContent())?.trim() === 'Try it out') await tryOut.click()
    await operation.locator('button.try-out__btn', { hasText: 'Cancel' }).waitFor({ state: 'visible' })

    const listed = page.waitForResponse(
      (response) =>
        response.request().method() === 'GET' && response.url().startsWith(`${url}/api/v1/members?`),
    )
    await operation.locator('button.execute').click()
    assert.equal((await listed).status(), 200)

    const live = operation.locator('.live-responses-table tbody tr.response')
    await live.waitFor({ state: 'visible' })
    assert.equal((await live.locator('.response-col_status').textContent())?.trim(), '200')
    const body = await live.locator('.response-col_description .highlight-code').textContent()
    assert.ok(body?.includes(email), `the rendered response body names ${email}: ${body}`)
    const requestUrl = await operation.locator('.request-url pre').textContent()
    assert.equal(requestUrl, `${url}/api/v1/members?page=1&results_per_page=10`)

    const offHost = requested.filter((address) => {
      const { protocol, hostname } = new URL(address)
      return protocol !== 'data:' && protocol !== 'blob:' && hostname !== '127.0.0.1'
    })
    assert.deepEqual(offHost, [], 'every request from the page stays on 127.0.0.1')
    assert.ok(requested.includes(`${url}/openapi.json`), 'the page loaded /openapi.json')
    assert.deepEqual(errors, [], 'no console errors')
  } finally {
    await browser?.close()
    await server?.close()
  }
})
