import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { describe, test } from 'node:test'
import pino from 'pino'
import { HttpError, type SakerOptions, saker } from 'saker'
import { inject } from 'saker/testing'

type Line = Record<string, unknown>

/** An app logging to memory: `lines()` returns the JSON lines written so far. */
function loggedApp(options: SakerOptions = {}) {
  const written: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      written.push(String(chunk))
      done()
    },
  })
  const app = saker({ ...options, logger: pino(stream) })
  const lines = async (): Promise<Line[]> => {
    // the access line is written on the response's `finish`; let it land
    await new Promise((resolve) => setImmediate(resolve))
    return written
      .join('')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Line)
  }
  return { app, lines }
}

// docs/logging.md: "a random per-process prefix and a counter, e.g. `Xq3v9kTb-1z`"
const GENERATED_ID = /^[A-Za-z0-9_-]{8}-[0-9a-z]+$/

describe('request ids', () => {
  test('a new id is made for each request, sent back in X-Request-Id and seen as ctx.id', async () => {
    const app = saker({ logger: false })
    app.get('/x', {}, (ctx) => ({ id: ctx.id }))

    const first = await inject(app, '/x')
    const second = await inject(app, '/x')
    const id = first.headers['x-request-id']
    assert.equal(typeof id, 'string')
    assert.match(id as string, GENERATED_ID)
    assert.deepEqual(first.json(), { id })
    assert.match(second.headers['x-request-id'] as string, GENERATED_ID)
    assert.notEqual(second.headers['x-request-id'], id)
  })

  test('a valid incoming X-Request-Id is reused', async () => {
    const app = saker({ logger: false })
    app.get('/x', {}, (ctx) => ({ id: ctx.id }))

    // 1-200 visible ASCII characters
    for (const incoming of ['req-42', 'a', 'x'.repeat(200), '!~{}[]"\'']) {
      const res = await inject(app, { url: '/x', headers: { 'x-request-id': incoming } })
      assert.equal(res.statusCode, 200)
      assert.equal(res.headers['x-request-id'], incoming)
      assert.deepEqual(res.json(), { id: incoming })
    }
  })

  test('an invalid incoming X-Request-Id is replaced', async () => {
    const app = saker({ logger: false })
    app.get('/x', {}, (ctx) => ({ id: ctx.id }))

    for (const incoming of ['x'.repeat(201), 'abc\u0001def', 'has space', 'tab\there', 'café']) {
      const res = await inject(app, { url: '/x', headers: { 'x-request-id': incoming } })
      assert.equal(res.statusCode, 200)
      const id = res.headers['x-request-id'] as string
      assert.match(id, GENERATED_ID, JSON.stringify(incoming))
      assert.deepEqual(res.json(), { id })
    }
  })

  test('requestIdHeader names another header, both ways', async () => {
    const app = saker({ logger: false, requestIdHeader: 'X-Correlation-Id' })
    app.get('/x', {}, (ctx) => ({ id: ctx.id }))

    const res = await inject(app, {
      url: '/x',
      headers: { 'x-correlation-id': 'corr-1', 'x-request-id': 'req-1' },
    })
    assert.deepEqual(res.json(), { id: 'corr-1' })
    assert.equal(res.headers['x-request-id'], 'corr-1')
  })

  test('requestIdHeader: false reads no id and sends none back; ids are still made', async () => {
    const app = saker({ logger: false, requestIdHeader: false })
    // Made on first use: the same id however often it is read, another one on the next request.
    app.get('/x', {}, (ctx) => ({ id: ctx.id, again: ctx.id }))
    app.get('/headers', {}, (ctx) => {
      ctx.header('cache-control', 'no-store') // the reply's other path (headers of its own)
      return { id: ctx.id }
    })

    const res = await inject(app, { url: '/x', headers: { 'x-request-id': 'req-1' } })
    assert.equal(res.statusCode, 200)
    const body = res.json() as { id: string; again: string }
    assert.match(body.id, GENERATED_ID)
    assert.equal(body.again, body.id)
    assert.equal(res.headers['x-request-id'], undefined)
    const next = (await inject(app, { url: '/x' })).json() as { id: string }
    assert.match(next.id, GENERATED_ID)
    assert.notEqual(next.id, body.id)
    const own = await inject(app, { url: '/headers' })
    assert.equal(own.headers['cache-control'], 'no-store')
    assert.equal(own.headers['x-request-id'], undefined)
    const missing = await inject(app, { url: '/nowhere' })
    assert.equal(missing.statusCode, 404)
    assert.equal(missing.headers['x-request-id'], undefined)
  })
})

describe('log lines', () => {
  test('one access line per request, after the response', async () => {
    const { app, lines } = loggedApp()
    app.get('/members/:id', {}, (ctx) => ({ id: ctx.params.id }))

    const ok = await inject(app, { url: '/members/7?full=1', headers: { 'x-request-id': 'req-ok' } })
    const missing = await inject(app, {
      method: 'DELETE',
      url: '/nope',
      headers: { 'x-request-id': 'req-404' },
    })
    assert.equal(ok.statusCode, 200)
    assert.equal(missing.statusCode, 404)

    const logged = await lines()
    assert.equal(logged.length, 2)
    const [first, second] = logged as [Line, Line]
    for (const line of logged) {
      assert.deepEqual(Object.keys(line).sort(), [
        'hostname',
        'level',
        'method',
        'msg',
        'pid',
        'reqId',
        'responseTime',
        'statusCode',
        'time',
        'url',
      ])
      assert.equal(line.level, 30)
      assert.equal(line.msg, 'request completed')
      assert.equal(typeof line.responseTime, 'number')
      assert.ok((line.responseTime as number) >= 0)
    }
    assert.deepEqual(
      { reqId: first.reqId, method: first.method, url: first.url, statusCode: first.statusCode },
      { reqId: 'req-ok', method: 'GET', url: '/members/7?full=1', statusCode: 200 },
    )
    assert.deepEqual(
      { reqId: second.reqId, method: second.method, url: second.url, statusCode: second.statusCode },
      { reqId: 'req-404', method: 'DELETE', url: '/nope', statusCode: 404 },
    )
  })

  test('the access line carries a generated id too', async () => {
    const { app, lines } = loggedApp()
    app.get('/x', {}, () => ({}))

    const res = await inject(app, '/x')
    const [line] = await lines()
    assert.equal(line?.reqId, res.headers['x-request-id'])
  })

  test('accessLog: false writes no access line', async () => {
    const { app, lines } = loggedApp({ accessLog: false })
    app.get('/x', {}, () => ({}))
    app.get('/gone', {}, () => {
      throw new HttpError(410)
    })

    assert.equal((await inject(app, '/x')).statusCode, 200)
    assert.equal((await inject(app, '/gone')).statusCode, 410)
    assert.deepEqual(await lines(), [])
  })

  test('ctx.log tags its lines with the request id', async () => {
    const { app, lines } = loggedApp({ accessLog: false })
    app.get('/x', {}, (ctx) => {
      ctx.log.info({ member: 7 }, 'member read')
      return {}
    })

    await inject(app, { url: '/x', headers: { 'x-request-id': 'req-7' } })
    const [line, ...rest] = await lines()
    assert.deepEqual(rest, [])
    assert.equal(line?.level, 30)
    assert.equal(line?.reqId, 'req-7')
    assert.equal(line?.member, 7)
    assert.equal(line?.msg, 'member read')
  })

  test('a 500 logs the error, with its message and stack, under the request id', async () => {
    const { app, lines } = loggedApp()
    app.get('/boom', {}, function explode() {
      throw new Error('db down')
    })

    const res = await inject(app, '/boom')
    assert.equal(res.statusCode, 500)
    const reqId = res.headers['x-request-id']

    const logged = await lines()
    assert.equal(logged.length, 2)
    const [error, access] = logged as [Line, Line]
    assert.equal(error.level, 50)
    assert.equal(error.msg, 'request failed')
    assert.equal(error.reqId, reqId)
    assert.equal(error.method, 'GET')
    assert.equal(error.url, '/boom')
    const err = error.err as Record<string, unknown>
    assert.equal(err.type, 'Error')
    assert.equal(err.message, 'db down')
    assert.match(String(err.stack), /^Error: db down\n\s+at (Object\.)?explode /)

    assert.equal(access.msg, 'request completed')
    assert.equal(access.reqId, reqId)
    assert.equal(access.statusCode, 500)
  })

  test('a 4xx logs no error line', async () => {
    const { app, lines } = loggedApp()
    app.get('/x', {}, () => {
      throw new HttpError(409, 'Taken.')
    })

    await inject(app, '/x')
    const logged = await lines()
    assert.deepEqual(
      logged.map((line) => [line.level, line.msg, line.statusCode]),
      [[30, 'request completed', 409]],
    )
  })
})
