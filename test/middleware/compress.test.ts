import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { after, before, describe, test } from 'node:test'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { saker, t } from 'saker'
import { compress } from 'saker/middleware'
import { serve, type TestServer } from 'saker/testing'
import { send } from '../helpers/http-request.ts'
import { createFixture, type Fixture, PAGE } from '../static/fixture.ts'

const ITEMS = Array.from({ length: 300 }, (_, i) => ({ id: i, name: `member ${i}` }))
const LONG_TEXT = 'All work and no play makes Jack a dull boy.\n'.repeat(100)

describe('compress()', () => {
  let server: TestServer
  let fixture: Fixture
  before(async () => {
    fixture = createFixture()
    const app = saker({ logger: false })
    app.use(compress())
    app.get('/items', {}, () => ITEMS)
    app.get('/small', {}, () => ({ ok: true }))
    app.get(
      '/schema',
      { response: { 200: t.Array(t.Object({ id: t.Integer() })) } },
      () => ITEMS as Array<{ id: number }>,
    )
    app.get('/text', {}, (ctx) => ctx.text(LONG_TEXT))
    app.get('/png', {}, (ctx) => {
      ctx.header('content-type', 'image/png')
      return ctx.send(Buffer.alloc(4096, 7))
    })
    app.get('/events', {}, (ctx) => ctx.stream(Readable.from([LONG_TEXT]), 'text/event-stream'))
    app.get('/stream', {}, (ctx) => ctx.stream(Readable.from([LONG_TEXT, LONG_TEXT]), 'text/plain'))
    app.get('/encoded', {}, (ctx) => {
      ctx.header('content-encoding', 'identity')
      return ctx.text(LONG_TEXT)
    })
    app.get('/no-transform', {}, (ctx) => {
      ctx.header('cache-control', 'public, no-transform')
      return ctx.text(LONG_TEXT)
    })
    app.get('/created', {}, (ctx) => ctx.json(ITEMS, 201))
    app.get('/nothing', {}, () => undefined)
    app.static('/plain', fixture.root, { precompressed: false })
    app.static('/assets', fixture.root)
    server = await serve(app)
  })
  after(async () => {
    await server.close()
    fixture.remove()
  })

  test('a JSON reply over the threshold is sent with Brotli when preferred', async () => {
    const res = await send(server.port, '/items', { 'accept-encoding': 'gzip, deflate, br' })
    assert.equal(res.status, 200)
    assert.equal(res.headers['content-encoding'], 'br')
    assert.equal(res.headers['content-type'], 'application/json')
    assert.equal(res.headers.vary, 'Accept-Encoding')
    assert.equal(res.headers['content-length'], String(res.body.length))
    assert.ok(res.body.length < JSON.stringify(ITEMS).length / 2)
    assert.deepEqual(JSON.parse(brotliDecompressSync(res.body).toString()), ITEMS)
  })

  test('gzip when only gzip is accepted, or when q-values prefer it; nothing when all are refused', async () => {
    for (const header of ['gzip', 'br;q=0.1, gzip;q=0.9', 'br;q=0, *']) {
      const res = await send(server.port, '/items', { 'accept-encoding': header })
      assert.equal(res.headers['content-encoding'], 'gzip', header)
      assert.deepEqual(JSON.parse(gunzipSync(res.body).toString()), ITEMS, header)
    }
    for (const header of ['identity', 'br;q=0, gzip;q=0', 'deflate', '']) {
      const res = await send(server.port, '/items', { 'accept-encoding': header })
      assert.equal(res.headers['content-encoding'], undefined, header)
      assert.equal(res.headers.vary, 'Accept-Encoding', header)
      assert.deepEqual(JSON.parse(res.body.toString()), ITEMS, header)
    }
  })

  test('the response schema still decides what is sent', async () => {
    const res = await send(server.port, '/schema', { 'accept-encoding': 'gzip' })
    assert.equal(res.headers['content-encoding'], 'gzip')
    assert.deepEqual(
      JSON.parse(gunzipSync(res.body).toString()),
      ITEMS.map(({ id }) => ({ id })),
    )
  })

  test('a reply under the threshold is sent as it is, with Vary', async () => {
    const res = await send(server.port, '/small', { 'accept-encoding': 'br, gzip' })
    assert.equal(res.headers['content-encoding'], undefined)
    assert.equal(res.headers.vary, 'Accept-Encoding')
    assert.equal(res.headers['content-length'], '11')
    assert.equal(res.body.toString(), '{"ok":true}')
  })

  test('text and other statuses are compressed too', async () => {
    const text = await send(server.port, '/text', { 'accept-encoding': 'gzip' })
    assert.equal(text.headers['content-encoding'], 'gzip')
    assert.equal(text.headers['content-type'], 'text/plain; charset=utf-8')
    assert.equal(gunzipSync(text.body).toString(), LONG_TEXT)
    const created = await send(server.port, '/created', { 'accept-encoding': 'gzip' })
    assert.equal(created.status, 201)
    assert.deepEqual(JSON.parse(gunzipSync(created.body).toString()), ITEMS)
  })

  test('a stream is compressed as it flows, chunked', async () => {
    const res = await send(server.port, '/stream', { 'accept-encoding': 'br' })
    assert.equal(res.headers['content-encoding'], 'br')
    assert.equal(res.headers['content-length'], undefined)
    assert.equal(res.headers['transfer-encoding'], 'chunked')
    assert.equal(brotliDecompressSync(res.body).toString(), LONG_TEXT + LONG_TEXT)
  })

  test('images, event streams, encoded and no-transform replies are left alone', async () => {
    const png = await send(server.port, '/png', { 'accept-encoding': 'gzip' })
    assert.equal(png.headers['content-encoding'], undefined)
    assert.equal(png.headers.vary, undefined)
    assert.equal(png.body.length, 4096)
    const events = await send(server.port, '/events', { 'accept-encoding': 'gzip' })
    assert.equal(events.headers['content-encoding'], undefined)
    assert.equal(events.body.toString(), LONG_TEXT)
    const encoded = await send(server.port, '/encoded', { 'accept-encoding': 'gzip' })
    assert.equal(encoded.headers['content-encoding'], 'identity')
    assert.equal(encoded.body.toString(), LONG_TEXT)
    const noTransform = await send(server.port, '/no-transform', { 'accept-encoding': 'gzip' })
    assert.equal(noTransform.headers['content-encoding'], undefined)
    assert.equal(noTransform.body.toString(), LONG_TEXT)
    const nothing = await send(server.port, '/nothing', { 'accept-encoding': 'gzip' })
    assert.equal(nothing.status, 204)
    assert.equal(nothing.headers['content-encoding'], undefined)
  })

  test('HEAD gets the GET headers without a body', async () => {
    const get = await send(server.port, '/items', { 'accept-encoding': 'gzip' })
    const head = await send(server.port, '/items', { 'accept-encoding': 'gzip' }, 'HEAD')
    assert.equal(head.status, 200)
    assert.equal(head.headers['content-encoding'], 'gzip')
    assert.equal(head.headers['content-length'], get.headers['content-length'])
    assert.equal(head.body.length, 0)
  })

  test('a static file is compressed on the fly, its ETag weakened; ranges and siblings are not touched', async () => {
    const whole = await send(server.port, '/plain/page.html', { 'accept-encoding': 'gzip' })
    assert.equal(whole.status, 200)
    assert.equal(whole.headers['content-encoding'], 'gzip')
    assert.equal(whole.headers['content-length'], undefined)
    assert.match(String(whole.headers.etag), /^W\/"[0-9a-f]+-[0-9a-f]+"$/)
    assert.equal(gunzipSync(whole.body).toString(), PAGE)

    const part = await send(server.port, '/plain/page.html', {
      'accept-encoding': 'gzip',
      range: 'bytes=0-14',
    })
    assert.equal(part.status, 206)
    assert.equal(part.headers['content-encoding'], undefined)
    assert.equal(part.body.toString(), PAGE.slice(0, 15))

    // The precompressed sibling is sent once encoded, not compressed again.
    const sibling = await send(server.port, '/assets/page.html', { 'accept-encoding': 'br' })
    assert.equal(sibling.headers['content-encoding'], 'br')
    assert.equal(brotliDecompressSync(sibling.body).toString(), PAGE)
    assert.equal(sibling.headers.vary, 'Accept-Encoding')
  })

  test('options: threshold, encodings and a compressible filter', async () => {
    const app = saker({ logger: false })
    app.use(compress({ threshold: 0, encodings: ['gzip'], compressible: (type) => type === 'image/png' }))
    app.get('/small', {}, () => ({ ok: true }))
    app.get('/png', {}, (ctx) => {
      ctx.header('content-type', 'image/png')
      return ctx.send(Buffer.alloc(4096, 7))
    })
    const own = await serve(app)
    try {
      const small = await send(own.port, '/small', { 'accept-encoding': 'br, gzip' })
      assert.equal(small.headers['content-encoding'], undefined)
      const png = await send(own.port, '/png', { 'accept-encoding': 'br, gzip' })
      assert.equal(png.headers['content-encoding'], 'gzip')
      assert.ok(gunzipSync(png.body).equals(Buffer.alloc(4096, 7)))
    } finally {
      await own.close()
    }
    assert.throws(() => compress({ threshold: -1 }), /byte count/)
    assert.throws(() => compress({ encodings: ['deflate' as 'gzip'] }), /Unsupported encoding/)
  })
})
