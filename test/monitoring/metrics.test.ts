import assert from 'node:assert/strict'
import { get } from 'node:http'
import { test } from 'node:test'
import { Counter } from 'prom-client'
import { saker } from '../../src/index.ts'
import { metrics } from '../../src/monitoring/index.ts'
import { inject, serve } from '../../src/testing/index.ts'

/** The samples of `name` in a Prometheus text, by their label set. */
function samples(text: string, name: string): Record<string, number> {
  const found: Record<string, number> = {}
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line)
    if (match?.[1] === name) found[match[2] ?? ''] = Number(match[3])
  }
  return found
}

test('counts requests by method, route pattern and status, and times them by route', async () => {
  const app = saker({ logger: false })
  app.get('/members/:id', {}, (ctx) => ({ id: ctx.params.id }))
  await metrics(app, { defaultMetrics: false })
  await inject(app, '/members/1')
  await inject(app, '/members/2')
  await inject(app, { method: 'HEAD', url: '/members/3' })
  await inject(app, { method: 'POST', url: '/members/3' })
  await inject(app, '/nowhere/at/all')
  const res = await inject(app, '/metrics')
  assert.equal(res.statusCode, 200)
  assert.equal(res.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8')
  assert.equal(res.headers['cache-control'], 'no-store')
  assert.deepEqual(samples(res.body, 'http_requests_total'), {
    '{method="GET",route="/members/:id",status="200"}': 2,
    '{method="HEAD",route="/members/:id",status="200"}': 1,
    '{method="POST",route="/members/:id",status="405"}': 1,
    '{method="GET",route="*",status="404"}': 1,
  })
  assert.deepEqual(samples(res.body, 'http_request_duration_seconds_count'), {
    '{method="GET",route="/members/:id"}': 2,
    '{method="HEAD",route="/members/:id"}': 1,
    '{method="POST",route="/members/:id"}': 1,
    '{method="GET",route="*"}': 1,
  })
  const sums = samples(res.body, 'http_request_duration_seconds_sum')
  assert.ok(
    Object.values(sums).every((sum) => sum > 0 && sum < 5),
    JSON.stringify(sums),
  )
  // the scrape itself is in flight
  assert.deepEqual(samples(res.body, 'http_requests_in_flight'), { '': 1 })
})

test('in flight counts requests from arrival until their connection is done with them, aborted ones too', async () => {
  const app = saker({ logger: false })
  let entered!: () => void
  const inHandler = new Promise<void>((resolve) => {
    entered = resolve
  })
  let closed!: () => void
  const responseClosed = new Promise<void>((resolve) => {
    closed = resolve
  })
  app.get('/slow', {}, async (ctx) => {
    ctx.res.once('close', closed)
    entered()
    await new Promise(() => {}) // until the client gives up
  })
  await metrics(app, { defaultMetrics: false })
  const server = await serve(app)
  try {
    const scrape = async () =>
      samples(await (await fetch(`${server.url}/metrics`)).text(), 'http_requests_in_flight')
    const slow = get(`${server.url}/slow`, { agent: false })
    slow.on('error', () => {})
    await inHandler
    assert.deepEqual(await scrape(), { '': 2 })
    slow.destroy()
    await responseClosed
    assert.deepEqual(await scrape(), { '': 1 })
  } finally {
    await server.close()
  }
})

test('prom-client’s default metrics, event-loop lag among them; metrics of your own on the registry', async () => {
  const app = saker({ logger: false })
  const registry = await metrics(app, { path: '/internal/metrics' })
  const signups = new Counter({ name: 'signups_total', help: 'Members who signed up', registers: [registry] })
  signups.inc(3)
  const res = await inject(app, '/internal/metrics')
  assert.equal(res.statusCode, 200)
  assert.deepEqual(samples(res.body, 'signups_total'), { '': 3 })
  assert.equal(Object.keys(samples(res.body, 'nodejs_eventloop_lag_seconds')).length, 1)
  assert.equal(Object.keys(samples(res.body, 'process_cpu_user_seconds_total')).length, 1)
  assert.deepEqual((await inject(app, '/openapi.json')).json().paths, {})
})
