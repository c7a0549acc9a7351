import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { HttpError, type ServerWebSocket, saker, t } from '../../src/index.ts'
import { serve, type TestServer } from '../../src/testing/index.ts'
import { RawClient } from '../helpers/raw-http.ts'
import { refusal, TestSocket } from '../helpers/ws-client.ts'

describe('WebSocket routes', { timeout: 10_000 }, () => {
  const app = saker({ logger: false })
  const seen: string[] = []
  app.addHook('onRequest', (ctx) => {
    seen.push(`onRequest ${ctx.path}`)
  })
  app.addHook('onResponse', (ctx) => {
    seen.push(`onResponse ${ctx.res.statusCode}`)
  })
  app.ws('/echo', { message: (socket, data) => socket.send(data) })
  const relayed = new Set<ServerWebSocket>()
  app.ws('/relay', {
    open: (socket) => void relayed.add(socket),
    close: (socket) => void relayed.delete(socket),
    message: async (socket, text) => {
      for (const other of relayed) other.send(text)
      socket.send(`${text}, again`)
      await new Promise((resolve) => setImmediate(resolve))
      socket.send(text)
    },
  })
  app.ws(
    '/rooms/:room/users/:id',
    { params: t.Object({ room: t.String(), id: t.Integer() }), query: t.Object({ lang: t.String() }) },
    {
      open: (socket, ctx) => {
        const id: number = ctx.params.id
        socket.json({ room: ctx.params.room, id, lang: ctx.query.lang, ip: ctx.ip })
      },
    },
  )
  app.ws('/broken', {
    open: async () => {
      throw new Error('secret details')
    },
  })
  app.group('/private', (group) => {
    group.addHook('onRequest', (ctx) => {
      if (ctx.cookies.session !== 'secret') throw new HttpError(401, 'Sign in first.')
      ctx.state.user = 'ada'
    })
    group.use(async (ctx, next) => {
      ctx.state.middleware = true
      await next()
    })
    group.ws('/live', {
      open: (socket, ctx) => socket.json({ user: ctx.state.user, middleware: ctx.state.middleware }),
    })
  })
  let server: TestServer
  let base: string
  before(async () => {
    server = await serve(app)
    base = server.url.replace('http:', 'ws:')
  })
  after(() => server.close())

  test('echoes text as text and bytes as bytes', async () => {
    const socket = await TestSocket.open(`${base}/echo`)
    socket.send('hello')
    assert.equal(await socket.next(), 'hello')
    socket.send(Buffer.from([1, 2, 3]))
    assert.deepEqual(await socket.next(), Buffer.from([1, 2, 3]))
    assert.deepEqual(await socket.close(), { code: 1005, reason: '' })
  })

  test('a text message relayed while handled, and after an await, arrives as the same text everywhere', async () => {
    const a = await TestSocket.open(`${base}/relay`)
    const b = await TestSocket.open(`${base}/relay`)
    a.send('café ✓')
    assert.equal(await b.next(), 'café ✓')
    assert.deepEqual([await a.next(), await a.next(), await a.next()], ['café ✓', 'café ✓, again', 'café ✓'])
    await Promise.all([a.close(), b.close()])
  })

  test('the upgrade runs the app hooks (onResponse with 101), with decoded and coerced params and the query', async () => {
    seen.length = 0
    const socket = await TestSocket.open(`${base}/rooms/caf%C3%A9/users/42?lang=en`)
    assert.deepEqual(await socket.json(), { room: 'café', id: 42, lang: 'en', ip: '127.0.0.1' })
    assert.deepEqual(seen, ['onRequest /rooms/caf%C3%A9/users/42', 'onResponse 101'])
    await socket.close()
  })

  test('params or query that fail their schema refuse the upgrade with 422', async () => {
    const refused = await refusal(`${base}/rooms/a/users/x`)
    assert.equal(refused.status, 422)
    const problem = JSON.parse(refused.body)
    assert.deepEqual(
      problem.errors.map((error: { in: string; path: string }) => `${error.in} ${error.path}`),
      ['params /id', 'query /lang'],
    )
  })

  test('an unknown path refuses the upgrade with a 404 problem, and closes the connection', async () => {
    const refused = await refusal(`${base}/nowhere`)
    assert.equal(refused.status, 404)
    assert.equal(refused.headers['content-type'], 'application/problem+json')
    assert.equal(refused.headers.connection, 'close')
    assert.deepEqual(JSON.parse(refused.body), {
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      code: 'NOT_FOUND',
      detail: 'No route matches /nowhere.',
      instance: '/nowhere',
    })
  })

  test("a group's onRequest hook that throws 401 refuses the upgrade", async () => {
    const refused = await refusal(`${base}/private/live`)
    assert.equal(refused.status, 401)
    assert.equal(refused.headers['content-type'], 'application/problem+json')
    assert.equal(JSON.parse(refused.body).detail, 'Sign in first.')
  })

  test('with the cookie, the hook and middleware state reach the socket', async () => {
    const socket = await TestSocket.open(`${base}/private/live`, { headers: { cookie: 'session=secret' } })
    assert.deepEqual(await socket.json(), { user: 'ada', middleware: true })
    await socket.close()
  })

  test('an open handler that fails closes the socket with 1011', async () => {
    const socket = await TestSocket.open(`${base}/broken`)
    assert.deepEqual(await socket.closed, { code: 1011, reason: 'The server failed to open the connection' })
  })

  test('a plain GET on a WebSocket path is 426 Upgrade Required', async () => {
    const res = await fetch(`${server.url}/echo`)
    assert.equal(res.status, 426)
    assert.equal(res.headers.get('upgrade'), 'websocket')
    assert.equal(((await res.json()) as { status: number }).status, 426)
  })

  test('a handshake with another protocol version is 426, naming version 13', async () => {
    const client = await RawClient.open(server.port)
    client.write(
      'GET /echo HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 7\r\n\r\n',
    )
    assert.ok(await client.until(() => client.closed, 2000))
    const [response] = client.responses
    assert.equal(response?.status, 426)
    assert.equal(response?.headers['sec-websocket-version'], '13')
  })
})

test('app.upgrade serves WebSocket routes on your own http.createServer(app.handle)', async () => {
  const app = saker({ logger: false })
  app.ws('/echo', { message: (socket, data) => socket.send(data) })
  const server = createServer(app.handle).on('upgrade', app.upgrade)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const socket = await TestSocket.open(`ws://127.0.0.1:${port}/echo`)
  socket.send('mine')
  assert.equal(await socket.next(), 'mine')
  await socket.close()
  await app.close()
  await new Promise((resolve) => server.close(resolve))
})

test('app.close() closes open sockets with 1001 Going Away', async () => {
  const app = saker({ logger: false })
  let closedOnServer: number | undefined
  app.ws('/live', { close: (_socket, code) => (closedOnServer = code) })
  const server = await serve(app)
  const socket = await TestSocket.open(`${server.url.replace('http:', 'ws:')}/live`)
  await server.close()
  assert.deepEqual(await socket.closed, { code: 1001, reason: 'The server is shutting down' })
  assert.equal(closedOnServer, 1001)
})
