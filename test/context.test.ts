import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { describe, test } from 'node:test'
import { saker, t } from 'saker'
import { inject, serve } from 'saker/testing'
import { PROBLEM_500 } from './helpers/problems.ts'

describe('replies', () => {
  test('a returned value is sent as JSON with 200', async () => {
    const app = saker({ logger: false })
    app.get('/x', {}, () => ({ name: 'Ada', tags: ['a'], n: null }))

    const res = await inject(app, '/x')
    assert.equal(res.statusCode, 200)
    assert.equal(res.headers['content-type'], 'application/json')
    assert.equal(res.headers['content-length'], '36')
    assert.equal(res.headers.server, 'saker')
    assert.equal(res.payload, '{"name":"Ada","tags":["a"],"n":null}')
  })

  test('returning nothing sends 204 without a body', async () => {
    const app = saker({ logger: false })
    app.delete('/x', {}, () => undefined)
    app.get('/async', {}, async () => undefined)

    for (const [method, url] of [
      ['DELETE', '/x'],
      ['GET', '/async'],
    ] as const) {
      const res = await inject(app, { method, url })
      assert.equal(res.statusCode, 204, url)
      assert.equal(res.headers['content-type'], undefined, url)
      assert.equal(res.headers['content-length'], undefined, url)
      assert.equal(res.payload, '', url)
    }
  })

  test('ctx.status() sets the status of a returned value', async () => {
    const app = saker({ logger: false })
    app.post('/members', {}, (ctx) => {
      ctx.status(201)
      return { id: 1 }
    })

    const res = await inject(app, { method: 'POST', url: '/members' })
    assert.equal(res.statusCode, 201)
    assert.equal(res.headers['content-type'], 'application/json')
    assert.deepEqual(res.json(), { id: 1 })
  })

  test('ctx.status() without a body sends that status with Content-Length: 0', async () => {
    // docs/context.md: "Every reply carries Content-Length (except streams)"; 204 is the exception by RFC 9110
    const app = saker({ logger: false })
    app.post('/accepted', {}, (ctx) => {
      ctx.status(202)
      return undefined
    })

    const res = await inject(app, { method: 'POST', url: '/accepted' })
    assert.equal(res.statusCode, 202)
    assert.equal(res.payload, '')
    assert.equal(res.headers['transfer-encoding'], undefined)
    assert.equal(res.headers['content-length'], '0')
  })

  test('ctx.json() with a status', async () => {
    const app = saker({ logger: false })
    app.post('/x', {}, (ctx) => ctx.json([1, 2], 201))

    const res = await inject(app, { method: 'POST', url: '/x' })
    assert.equal(res.statusCode, 201)
    assert.equal(res.headers['content-type'], 'application/json')
    assert.equal(res.headers['content-length'], '5')
    assert.equal(res.payload, '[1,2]')
  })

  test('ctx.text() sends UTF-8 text with its byte length', async () => {
    const app = saker({ logger: false })
    app.get('/x', {}, (ctx) => ctx.text('héllo', 202))

    const res = await inject(app, '/x')
    assert.equal(res.statusCode, 202)
    assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8')
    assert.equal(res.headers['content-length'], '6')
    assert.equal(res.payload, 'héllo')
  })

  test('ctx.send() sends a string as text and a Buffer as bytes', async () => {
    const bytes = Buffer.from([0, 1, 2, 255])
    const app = saker({ logger: false })
    app.get('/string', {}, (ctx) => ctx.send('<p>hi</p>'))
    app.get('/buffer', {}, (ctx) => ctx.send(bytes))
    app.get('/typed', {}, (ctx) => {
      ctx.header('Content-Type', 'image/png')
      return ctx.send(bytes, 201)
    })

    const string = await inject(app, '/string')
    assert.equal(string.statusCode, 200)
    assert.equal(string.headers['content-type'], 'text/plain; charset=utf-8')
    assert.equal(string.headers['content-length'], '9')
    assert.equal(string.payload, '<p>hi</p>')

    const buffer = await inject(app, '/buffer')
    assert.equal(buffer.statusCode, 200)
    assert.equal(buffer.headers['content-type'], 'application/octet-stream')
    assert.equal(buffer.headers['content-length'], '4')
    assert.deepEqual(buffer.rawPayload, bytes)

    const typed = await inject(app, '/typed')
    assert.equal(typed.statusCode, 201)
    assert.equal(typed.headers['content-type'], 'image/png')
    assert.deepEqual(typed.rawPayload, bytes)
  })

  test('ctx.stream() pipes a readable, chunked', async () => {
    const app = saker({ logger: false })
    app.get('/csv', {}, (ctx) => ctx.stream(Readable.from(['id,name\n', '1,Ada\n']), 'text/csv'))
    app.get('/bytes', {}, (ctx) => ctx.stream(Readable.from([Buffer.from('ab')])))

    const csv = await inject(app, '/csv')
    assert.equal(csv.statusCode, 200)
    assert.equal(csv.headers['content-type'], 'text/csv')
    assert.equal(csv.headers['content-length'], undefined)
    assert.equal(csv.headers['transfer-encoding'], 'chunked')
    assert.equal(csv.payload, 'id,name\n1,Ada\n')

    const bytes = await inject(app, '/bytes')
    assert.equal(bytes.headers['content-type'], 'application/octet-stream')
    assert.equal(bytes.payload, 'ab')
  })

  test('a stream that fails after the status line cuts the response short, and the server goes on', async () => {
    const app = saker({ logger: false })
    app.get('/broken', {}, (ctx) =>
      ctx.stream(
        new Readable({
          read() {
            this.push('first chunk\n')
            setImmediate(() => this.destroy(new Error('disk gone')))
          },
        }),
        'text/plain',
      ),
    )
    app.get('/ok', {}, () => ({ ok: true }))
    const server = await serve(app)
    try {
      const res = await fetch(`${server.url}/broken`)
      assert.equal(res.status, 200)
      // The body ends in an error, not in a hang and not in a complete-looking reply.
      await assert.rejects(res.text())
      const ok = await fetch(`${server.url}/ok`)
      assert.deepEqual(await ok.json(), { ok: true })
    } finally {
      await server.close()
    }
  })

  test('ctx.redirect() is a 302 by default, or the 3xx given', async () => {
    const app = saker({ logger: false })
    app.get('/old', {}, (ctx) => ctx.redirect('/new'))
    app.get('/moved', {}, (ctx) => ctx.redirect('https://example.com/x', 301))

    const found = await inject(app, '/old')
    assert.equal(found.statusCode, 302)
    assert.equal(found.headers.location, '/new')
    assert.equal(found.headers['content-length'], '0')
    assert.equal(found.payload, '')

    const moved = await inject(app, '/moved')
    assert.equal(moved.statusCode, 301)
    assert.equal(moved.headers.location, 'https://example.com/x')
  })

  test('ctx.redirect() with a status that is not a redirect throws, answered 500', async () => {
    const app = saker({ logger: false })
    app.get('/x', {}, (ctx) => ctx.redirect('/y', 200))

    const res = await inject(app, '/x')
    assert.equal(res.statusCode, 500)
    assert.equal(res.headers['content-type'], 'application/problem+json')
    assert.equal(res.headers.location, undefined)
    assert.deepEqual(res.json(), { ...PROBLEM_500, instance: '/x' })
  })

  test('a handler may write the reply on ctx.res itself', async () => {
    const app = saker({ logger: false })
    app.get('/raw', {}, (ctx) => {
      ctx.res.writeHead(203, { 'content-type': 'text/x-custom', 'content-length': '3' })
      ctx.res.end('raw')
      return undefined
    })

    const res = await inject(app, '/raw')
    assert.equal(res.statusCode, 203)
    assert.equal(res.headers['content-type'], 'text/x-custom')
    assert.equal(res.headers['content-length'], '3')
    assert.equal(res.payload, 'raw')
  })
})

describe('headers and cookies', () => {
  test('ctx.header() sets headers by lowercase name, numbers and lists included', async () => {
    const app = saker({ logger: false })
    app.get('/x', {}, (ctx) => {
      ctx.header('X-Total-Count', 42)
      ctx.header('Vary', ['Accept', 'Origin'])
      ctx.header('x-total-count', 43) // same header, set again: the last value wins
      return { ok: true }
    })

    const res = await inject(app, '/x')
    assert.equal(res.statusCode, 200)
    assert.equal(res.headers['x-total-count'], '43')
    assert.deepEqual(res.headers.vary, ['Accept', 'Origin'])
  })

  test('ctx.cookie() adds one Set-Cookie line per cookie', async () => {
    const app = saker({ logger: false })
    app.get('/login', {}, (ctx) => {
      ctx.cookie('session', 'abc123', { httpOnly: true, path: '/', sameSite: 'lax' })
      ctx.cookie('theme', 'dark')
      return { ok: true }
    })

    const res = await inject(app, '/login')
    assert.equal(res.statusCode, 200)
    assert.deepEqual(res.headers['set-cookie'], [
      'session=abc123; Path=/; HttpOnly; SameSite=Lax',
      'theme=dark',
    ])
  })

  test('ctx.cookies parses the Cookie header (decoded), {} without one', async () => {
    const app = saker({ logger: false })
    app.get('/x', {}, (ctx) => ctx.cookies)

    const res = await inject(app, { url: '/x', headers: { cookie: 'session=abc123; name=Ada%20Lovelace' } })
    assert.equal(res.statusCode, 200)
    assert.deepEqual(res.json(), { session: 'abc123', name: 'Ada Lovelace' })

    const none = await inject(app, '/x')
    assert.deepEqual(none.json(), {})
  })
})

describe('the request', () => {
  test('ctx.query without a schema: strings, arrays for repeated keys', async () => {
    const app = saker({ logger: false })
    app.get('/x', {}, (ctx) => ({ query: ctx.query, raw: ctx.rawQuery, path: ctx.path }))

    const res = await inject(app, '/x?tag=a&tag=b&page=2&empty=&q=a%20b')
    assert.equal(res.statusCode, 200)
    assert.deepEqual(res.json(), {
      query: { tag: ['a', 'b'], page: '2', empty: '', q: 'a b' },
      raw: 'tag=a&tag=b&page=2&empty=&q=a%20b',
      path: '/x',
    })
  })

  test('ctx.ip is the socket address; X-Forwarded-For is ignored without trustProxy', async () => {
    const app = saker({ logger: false })
    app.get('/ip', {}, (ctx) => ({ ip: ctx.ip }))

    const res = await inject(app, {
      url: '/ip',
      remoteAddress: '198.51.100.1',
      headers: { 'x-forwarded-for': '203.0.113.7' },
    })
    assert.deepEqual(res.json(), { ip: '198.51.100.1' })
  })

  test('with trustProxy: true, ctx.ip is the leftmost X-Forwarded-For address', async () => {
    const app = saker({ logger: false, trustProxy: true })
    app.get('/ip', {}, (ctx) => ({ ip: ctx.ip }))

    const forwarded = await inject(app, {
      url: '/ip',
      remoteAddress: '198.51.100.1',
      headers: { 'x-forwarded-for': '203.0.113.7, 10.0.0.2 ,10.0.0.3' },
    })
    assert.deepEqual(forwarded.json(), { ip: '203.0.113.7' })

    const direct = await inject(app, { url: '/ip', remoteAddress: '198.51.100.1' })
    assert.deepEqual(direct.json(), { ip: '198.51.100.1' })
  })

  test('a trusted IPv4 proxy is recognised when the socket reports it IPv4-mapped', async () => {
    // on a dual-stack listener (host '::'), Node reports an IPv4 peer as ::ffff:a.b.c.d
    const app = saker({ logger: false, trustProxy: ['10.0.0.2'] })
    app.get('/ip', {}, (ctx) => ({ ip: ctx.ip }))

    const res = await inject(app, {
      url: '/ip',
      remoteAddress: '::ffff:10.0.0.2',
      headers: { 'x-forwarded-for': '203.0.113.7' },
    })
    assert.deepEqual(res.json(), { ip: '203.0.113.7' })
  })

  test('with trustProxy: [loopback, ...], ctx.ip walks back over trusted hops (on a real socket)', async () => {
    const app = saker({ logger: false, trustProxy: ['loopback', '10.0.0.2'] })
    app.get('/ip', {}, (ctx) => ({ ip: ctx.ip }))
    const server = await serve(app)
    try {
      const ipFor = async (forwardedFor?: string) => {
        const headers: Record<string, string> =
          forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }
        const res = await fetch(`${server.url}/ip`, { headers })
        assert.equal(res.status, 200)
        return ((await res.json()) as { ip: string }).ip
      }
      // the socket (127.0.0.1) is trusted; no header: it is the client
      assert.equal(await ipFor(), '127.0.0.1')
      // 10.0.0.2 is trusted too, so the walk goes on to the address it was told
      assert.equal(await ipFor('203.0.113.7, 10.0.0.2'), '203.0.113.7')
      // 10.0.0.9 is not trusted: it is the client, whatever it claims further left
      assert.equal(await ipFor('203.0.113.7, 10.0.0.9'), '10.0.0.9')
      assert.equal(await ipFor('1.1.1.1, 203.0.113.7, 127.0.0.1'), '203.0.113.7')
    } finally {
      await server.close()
    }
  })
})

describe('response schemas', () => {
  const Member = t.Object({ id: t.Integer(), email: t.String() })

  test('only the fields of the schema are sent: a password never leaks', async () => {
    const app = saker({ logger: false })
    const row = { id: 1, email: 'ada@example.com', password: 'hunter2', role: 'admin' }
    app.get('/me', { response: { 200: Member } }, () => row)
    app.post('/members', { response: { 201: Member } }, (ctx) => ctx.json(row, 201))

    const me = await inject(app, '/me')
    assert.equal(me.statusCode, 200)
    assert.equal(me.headers['content-type'], 'application/json')
    assert.equal(me.payload, '{"id":1,"email":"ada@example.com"}')
    assert.equal(me.headers['content-length'], String(me.payload.length))

    const created = await inject(app, { method: 'POST', url: '/members' })
    assert.equal(created.statusCode, 201)
    assert.deepEqual(created.json(), { id: 1, email: 'ada@example.com' })
  })

  test('a value that does not fit its response schema is a 500 problem', async () => {
    const app = saker({ logger: false })
    // the email is missing: the cast lies to the type checker, as a bug in the handler would
    app.get('/me', { response: { 200: Member } }, () => ({ id: 1, password: 'hunter2' }) as never)

    const res = await inject(app, '/me')
    assert.equal(res.statusCode, 500)
    assert.equal(res.headers['content-type'], 'application/problem+json')
    assert.deepEqual(res.json(), {
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      code: 'INTERNAL_ERROR',
      detail: 'The response does not match its schema.',
      instance: '/me',
    })
    assert.ok(!res.payload.includes('hunter2'))
  })
})
