import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { createServer, get, type RequestListener } from 'node:http'
import { connect, createServer as createH2cServer } from 'node:http2'
import type { AddressInfo } from 'node:net'
import { test } from 'node:test'
import { Counter, type Registry } from 'prom-client'
import { HttpError, saker } from '../../src/index.ts'
import { metrics } from '../../src/monitoring/index.ts'
import { inject, serve } from '../../src/testing/index.ts'
import { send } from '../helpers/http-request.ts'
import { TestSocket } from '../helpers/ws-client.ts'

/** The samples of `name` in a Prometheus text, by their label set. */
function samples(text: string, name: string): Record<string, number> {
  const found: Record<string, number> = {}
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line)
    if (match?.[1] === name) found[match[2] ?? ''] = Number(match[3])
  }
  return found
}

async function scrape(port: number): Promise<string> {
  const res = await send(port, '/metrics')
  assert.equal(res.status, 200)
  return res.body.toString()
}

/** The in-flight gauge as the registry holds it, without a scrape that would count itself. */
async function inFlight(registry: Registry): Promise<number | undefined> {
  return (await registry.getSingleMetric('http_requests_in_flight')?.get())?.values[0]?.value
}

/** One HTTP/2 request over cleartext (h2c), for methods no HTTP/1 parser lets through. */
function h2Status(port: number, method: string, path: string): Promise<number> {
  const session = connect(`http://127.0.0.1:${port}`)
  return new Promise((resolve, reject) => {
    session.on('error', reject)
    const stream = session.request({ ':method': method, ':path': path })
    stream.on('response', (headers) => {
      stream.resume()
      stream.on('end', () => {
        session.close()
        resolve(Number(headers[':status']))
      })
    })
    stream.end()
  })
}

test('counts each request once, under its route pattern: 405 and automatic OPTIONS answers too', async () => {
  const app = saker({ logger: false })
  app.get('/members/:id', {}, (ctx) => ({ id: ctx.params.id }))
  await metrics(app, { defaultMetrics: false })
  const server = await serve(app)
  try {
    assert.equal((await send(server.port, '/members/1')).status, 200)
    assert.equal((await send(server.port, '/members/2')).status, 200)
    assert.equal((await send(server.port, '/members/3', {}, 'HEAD')).status, 200)
    assert.equal((await send(server.port, '/members/3', {}, 'POST')).status, 405)
    assert.equal((await send(server.port, '/members/3', {}, 'OPTIONS')).status, 204)
    const res = await send(server.port, '/metrics')
    assert.equal(res.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8')
    assert.equal(res.headers['cache-control'], 'no-store')
    const text = res.body.toString()
    assert.deepEqual(samples(text, 'http_requests_total'), {
      '{method="GET",route="/members/:id",status="200"}': 2,
      '{method="HEAD",route="/members/:id",status="200"}': 1,
      '{method="POST",route="/members/:id",status="405"}': 1,
      '{method="OPTIONS",route="/members/:id",status="204"}': 1,
    })
    assert.deepEqual(samples(text, 'http_request_duration_seconds_count'), {
      '{method="GET",route="/members/:id"}': 2,
      '{method="HEAD",route="/members/:id"}': 1,
      '{method="POST",route="/members/:id"}': 1,
      '{method="OPTIONS",route="/members/:id"}': 1,
    })
    const sums = samples(text, 'http_request_duration_seconds_sum')
    assert.ok(
      Object.values(sums).every((sum) => sum > 0 && sum < 5),
      JSON.stringify(sums),
    )
    // the scrape itself is in flight
    assert.deepEqual(samples(text, 'http_requests_in_flight'), { '': 1 })
  } finally {
    await server.close()
  }
})

test('requests no route matches count under one route="(unmatched)" series, whatever their path', async () => {
  const app = saker({ logger: false })
  app.get('/members/:id', {}, (ctx) => ({ id: ctx.params.id }))
  await metrics(app, { defaultMetrics: false })
  const server = await serve(app)
  try {
    const ids = [randomUUID(), randomUUID(), randomUUID()]
    for (const path of [`/${ids[0]}`, `/members/1/${ids[1]}`, `/${ids[2]}/x?q=1`]) {
      assert.equal((await send(server.port, path)).status, 404)
    }
    const text = await scrape(server.port)
    assert.deepEqual(samples(text, 'http_requests_total'), {
      '{method="GET",route="(unmatched)",status="404"}': 3,
    })
    assert.deepEqual(samples(text, 'http_request_duration_seconds_count'), {
      '{method="GET",route="(unmatched)"}': 3,
    })
    for (const id of ids) assert.ok(!text.includes(id), `${id} became a label value`)
  } finally {
    await server.close()
  }
})

test('methods other than the seven standard ones are labelled OTHER, over HTTP/1 and HTTP/2', async () => {
  const app = saker({ logger: false })
  app.get('/members/:id', {}, (ctx) => ({ id: ctx.params.id }))
  const registry = await metrics(app, { defaultMetrics: false })
  const server = await serve(app)
  const h2c = createH2cServer(app.handle as unknown as Parameters<typeof createH2cServer>[0])
  await new Promise<void>((resolve) => h2c.listen(0, '127.0.0.1', resolve))
  try {
    assert.equal((await send(server.port, '/members/1', {}, 'PROPFIND')).status, 405)
    assert.equal((await send(server.port, '/nowhere', {}, 'PROPFIND')).status, 404)
    const h2Port = (h2c.address() as AddressInfo).port
    assert.equal(await h2Status(h2Port, `X-${randomUUID()}`, '/members/1'), 405)
    assert.equal(await h2Status(h2Port, `Y-${randomUUID()}`, '/members/1'), 405)
    assert.deepEqual(samples(await scrape(server.port), 'http_requests_total'), {
      '{method="OTHER",route="/members/:id",status="405"}': 3,
      '{method="OTHER",route="(unmatched)",status="404"}': 1,
    })
    assert.equal(await inFlight(registry), 0)
  } finally {
    await new Promise((resolve) => h2c.close(resolve))
    await server.close()
  }
})

test('in flight counts a request until it ends; a client that leaves takes it back to 0', async () => {
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
  const registry = await metrics(app, { defaultMetrics: false })
  const server = await serve(app)
  try {
    const slow = get(`${server.url}/slow`, { agent: false })
    slow.on('error', () => {})
    await inHandler
    assert.equal(await inFlight(registry), 1)
    assert.deepEqual(samples(await scrape(server.port), 'http_requests_in_flight'), { '': 2 })
    slow.destroy()
    await responseClosed
    assert.equal(await inFlight(registry), 0)
    // never answered, so not among the requests answered
    assert.deepEqual(samples(await registry.metrics(), 'http_requests_total'), {
      '{method="GET",route="/metrics",status="200"}': 1,
    })
  } finally {
    await server.close()
  }
})

test('a server made from app.handle before metrics() is called is counted all the same', async () => {
  const app = saker({ logger: false })
  app.get('/hello', {}, () => ({ hello: 'world' }))
  const server = createServer(app.handle as RequestListener)
  const registry = await metrics(app, { defaultMetrics: false })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    const port = (server.address() as AddressInfo).port
    assert.equal((await send(port, '/hello')).status, 200)
    const text = await scrape(port)
    assert.deepEqual(samples(text, 'http_requests_total'), {
      '{method="GET",route="/hello",status="200"}': 1,
    })
    assert.deepEqual(samples(text, 'http_request_duration_seconds_count'), {
      '{method="GET",route="/hello"}': 1,
    })
    // the scrape itself, arrived through the same server
    assert.deepEqual(samples(text, 'http_requests_in_flight'), { '': 1 })
    assert.equal(await inFlight(registry), 0)
  } finally {
    await new Promise((resolve) => server.close(resolve))
  }
})

test('an accepted WebSocket upgrade is counted with its 101 and leaves in flight', async () => {
  const app = saker({ logger: false })
  app.ws('/echo', { message: (socket, text) => socket.send(text) })
  const registry = await metrics(app, { defaultMetrics: false })
  const server = await serve(app)
  try {
    const socket = await TestSocket.open(`ws://127.0.0.1:${server.port}/echo`)
    socket.send('hi')
    assert.equal(await socket.next(), 'hi')
    assert.equal(await inFlight(registry), 0)
    assert.deepEqual(samples(await registry.metrics(), 'http_requests_total'), {
      '{method="GET",route="/echo",status="101"}': 1,
    })
    socket.raw.close()
    await socket.closed
  } finally {
    await server.close()
  }
})

test('a request an earlier onRequest hook ends is counted, not timed, never in flight', async () => {
  const app = saker({ logger: false })
  app.addHook('onRequest', (ctx) => {
    if (ctx.headers.authorization === undefined) throw new HttpError(401, 'Sign in first.')
  })
  app.get('/members/:id', {}, (ctx) => ({ id: ctx.params.id }))
  const registry = await metrics(app, { defaultMetrics: false })
  assert.equal((await inject(app, '/members/1')).statusCode, 401)
  assert.equal(await inFlight(registry), 0)
  const text = await registry.metrics()
  assert.deepEqual(samples(text, 'http_requests_total'), {
    '{method="GET",route="/members/:id",status="401"}': 1,
  })
  assert.deepEqual(samples(text, 'http_request_duration_seconds_count'), {})
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
