import assert from 'node:assert/strict'
import { once } from 'node:events'
import { connect } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import { saker } from '../../src/index.ts'
import { serve, type TestServer } from '../../src/testing/index.ts'

/** Reads a response body until `done(text so far)` holds. */
async function readUntil(res: Response, done: (text: string) => boolean): Promise<string> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader()
  const decoder = new TextDecoder()
  let text = ''
  while (!done(text)) {
    const { value, done: ended } = await reader.read()
    if (ended) break
    text += decoder.decode(value, { stream: true })
  }
  reader.releaseLock()
  return text
}

/** A promise and the function that resolves it. */
function signal<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => {
    resolve = r
  })
  return { promise, resolve }
}

describe('ctx.sse()', { timeout: 10_000 }, () => {
  const app = saker({ logger: false })
  const stopped = { fn: signal(), iterable: signal() }
  app.get('/events', {}, (ctx) =>
    ctx.sse(
      async (stream) => {
        const from = Number(stream.lastEventId ?? 0)
        await stream.send({ event: 'greeting', id: from + 1, data: 'two\nlines' })
        await stream.send({ id: from + 2, data: { n: 2 } })
        await stream.send('bare')
      },
      { retry: 3000, heartbeat: false },
    ),
  )
  app.get('/endless', {}, (ctx) =>
    ctx.sse(async (stream) => {
      for (let n = 1; !stream.signal.aborted; n++) {
        await stream.send({ id: n, data: n })
        await delay(5)
      }
      stopped.fn.resolve()
    }),
  )
  app.get('/generator', {}, (ctx) =>
    ctx.sse(
      (async function* () {
        try {
          for (let n = 1; ; n++) {
            yield { id: n, data: n }
            await delay(5)
          }
        } finally {
          stopped.iterable.resolve()
        }
      })(),
    ),
  )
  app.get('/quiet', {}, (ctx) =>
    ctx.sse((stream) => new Promise((resolve) => stream.signal.addEventListener('abort', resolve)), {
      heartbeat: 20,
    }),
  )
  app.get('/bad-id', {}, (ctx) => ctx.sse((stream) => stream.send({ id: 'a\nb', data: 'x' })))
  const lateAborted = signal()
  app.get(
    '/late',
    {
      // The client is gone before the handler runs (as when a hook awaits a slow lookup).
      hooks: { onRequest: async (ctx) => (ctx.res.closed ? undefined : once(ctx.res, 'close')) },
    },
    (ctx) =>
      ctx.sse((stream) => {
        if (stream.signal.aborted) lateAborted.resolve()
        else stream.signal.addEventListener('abort', () => lateAborted.resolve())
      }),
  )
  let server: TestServer
  before(async () => {
    server = await serve(app)
  })
  after(() => server.close())

  test('streams the events in order, with event, id, retry and multi-line data, then ends', async () => {
    const res = await fetch(`${server.url}/events`)
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('content-type'), 'text/event-stream')
    assert.equal(res.headers.get('cache-control'), 'no-cache')
    assert.equal(res.headers.get('connection'), 'keep-alive')
    assert.equal(res.headers.get('x-accel-buffering'), 'no')
    assert.equal(
      await res.text(),
      'retry: 3000\n\n' +
        'event: greeting\nid: 1\ndata: two\ndata: lines\n\n' +
        'id: 2\ndata: {"n":2}\n\n' +
        'data: bare\n\n',
    )
  })

  test('the producer gets Last-Event-ID, to resume after it', async () => {
    const res = await fetch(`${server.url}/events`, { headers: { 'last-event-id': '41' } })
    const text = await res.text()
    assert.match(text, /id: 42\n/)
    assert.match(text, /id: 43\n/)
  })

  test("a client that leaves aborts the producer's signal", async () => {
    const leaving = new AbortController()
    const res = await fetch(`${server.url}/endless`, { signal: leaving.signal })
    assert.match(await readUntil(res, (text) => text.includes('id: 2\n')), /^:\n\nid: 1\ndata: 1\n\nid: 2\n/)
    leaving.abort()
    await stopped.fn.promise
  })

  test('a client that leaves stops an iterable producer (its finally runs)', async () => {
    const leaving = new AbortController()
    const res = await fetch(`${server.url}/generator`, { signal: leaving.signal })
    await readUntil(res, (text) => text.includes('id: 2\n'))
    leaving.abort()
    await stopped.iterable.promise
  })

  test("a client that left before the handler ran aborts the producer's signal", async () => {
    const socket = connect(server.port, '127.0.0.1')
    socket.write('GET /late HTTP/1.1\r\nHost: x\r\n\r\n')
    setTimeout(() => socket.destroy(), 20)
    await lateAborted.promise
  })

  test('an idle stream carries heartbeat comments', async () => {
    const leaving = new AbortController()
    const res = await fetch(`${server.url}/quiet`, { signal: leaving.signal })
    assert.match(await readUntil(res, (text) => text.length >= 9), /^(:\n\n){3,}$/)
    leaving.abort()
  })

  test('an id with a line break is refused: the stream ends without it', async () => {
    const res = await fetch(`${server.url}/bad-id`)
    assert.equal(await res.text(), ':\n\n')
  })
})
