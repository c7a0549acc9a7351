import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { HttpError, saker, t } from '../../src/index.ts'
import { serve, type TestServer } from '../../src/testing/index.ts'
import { TestSocket } from '../helpers/ws-client.ts'

describe('WebSocket messages', { timeout: 10_000 }, () => {
  const app = saker({ logger: false })
  const Chat = t.Object({ text: t.String({ maxLength: 10 }), to: t.Optional(t.Integer()) })
  app.ws(
    '/chat',
    { message: Chat, maxPayload: 64 },
    {
      message: (socket, chat) => {
        if (chat.text === 'forbidden') throw new HttpError(403, 'Not in this room.')
        if (chat.text === 'crash') return Promise.reject(new Error('secret details'))
        const text: string = chat.text
        return socket.json({ echo: text })
      },
    },
  )
  app.ws(
    '/flood',
    { sendBufferLimit: 64 * 1024 },
    {
      message: (socket) => {
        const chunk = Buffer.alloc(256 * 1024)
        let sent = 0
        // Bounded, so a broken limit fails the test instead of hanging it.
        while (sent < 4096 && socket.send(chunk)) sent++
        assert.ok(sent < 4096, 'the send buffer limit was never reached')
      },
    },
  )
  let server: TestServer
  let base: string
  before(async () => {
    server = await serve(app)
    base = server.url.replace('http:', 'ws:')
  })
  after(() => server.close())

  test('a valid message reaches the handler parsed', async () => {
    const socket = await TestSocket.open(`${base}/chat`)
    socket.sendJson({ text: 'hi', to: 2 })
    assert.deepEqual(await socket.json(), { echo: 'hi' })
    await socket.close()
  })

  test('an invalid message gets an error frame with field paths, and the socket stays open', async () => {
    const socket = await TestSocket.open(`${base}/chat`)
    socket.sendJson({ text: 'far too long a text', to: 'x' })
    assert.deepEqual(await socket.json(), {
      error: {
        type: 'about:blank',
        title: 'Unprocessable Entity',
        status: 422,
        code: 'VALIDATION_FAILED',
        detail: 'The message has invalid values; see errors.',
        errors: [
          { path: '/text', message: 'Expected string length less or equal to 10' },
          { path: '/to', message: 'Expected integer' },
        ],
      },
    })
    socket.send('{not json')
    assert.deepEqual((await socket.json()).error, {
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      code: 'BAD_REQUEST',
      detail: 'The message is not valid JSON.',
    })
    socket.sendJson({ text: 'still here' })
    assert.deepEqual(await socket.json(), { echo: 'still here' })
    await socket.close()
  })

  test("a handler's HttpError is an error frame; another error is a 500 frame that reveals nothing", async () => {
    const socket = await TestSocket.open(`${base}/chat`)
    socket.sendJson({ text: 'forbidden' })
    const forbidden = (await socket.json()).error
    assert.equal(forbidden.status, 403)
    assert.equal(forbidden.detail, 'Not in this room.')
    socket.sendJson({ text: 'crash' })
    const crashed = (await socket.json()).error
    assert.equal(crashed.status, 500)
    assert.equal(crashed.detail, 'The server failed to handle the request.')
    await socket.close()
  })

  test('a message over maxPayload closes the socket with 1009', async () => {
    const socket = await TestSocket.open(`${base}/chat`)
    socket.send('x'.repeat(65))
    assert.equal((await socket.closed).code, 1009)
  })

  test('a socket whose send buffer passes sendBufferLimit is closed with 1013', async () => {
    // The handler sends in one synchronous loop: the frames pile up faster than any client reads.
    const socket = await TestSocket.open(`${base}/flood`)
    socket.send('go')
    assert.deepEqual(await socket.closed, { code: 1013, reason: 'The client reads too slowly' })
  })
})
