import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { HttpError, saker, t } from 'saker'
import { type CorsOptions, cors } from 'saker/middleware'
import { serve, type TestServer } from 'saker/testing'
import { send } from '../helpers/http-request.ts'

const SITE = 'https://app.example.com'
const PREFLIGHT = { origin: SITE, 'access-control-request-method': 'PUT' }

async function corsServer(options?: CorsOptions): Promise<TestServer> {
  const app = saker({ logger: false })
  app.use(cors(options))
  app.get('/members', {}, () => ({ members: [] }))
  app.put('/members', {}, () => ({ updated: true }))
  app.get('/fail', {}, () => {
    throw new HttpError(409, 'Taken.')
  })
  app.options('/own', {}, () => ({ own: true }))
  return serve(app)
}

describe('cors() with the defaults', () => {
  let server: TestServer
  before(async () => {
    server = await corsServer()
  })
  after(() => server.close())

  test('a simple request gets Access-Control-Allow-Origin: * and no Vary', async () => {
    const res = await send(server.port, '/members', { origin: SITE })
    assert.equal(res.status, 200)
    assert.equal(res.headers['access-control-allow-origin'], '*')
    assert.equal(res.headers['access-control-allow-credentials'], undefined)
    assert.equal(res.headers.vary, undefined)
    assert.deepEqual(JSON.parse(res.body.toString()), { members: [] })
  })

  test('a request without Origin gets no CORS headers', async () => {
    const res = await send(server.port, '/members')
    assert.equal(res.headers['access-control-allow-origin'], undefined)
  })

  test('a preflight to a route is 204 with methods, the requested headers and max-age', async () => {
    const res = await send(
      server.port,
      '/members',
      { ...PREFLIGHT, 'access-control-request-headers': 'content-type, x-token' },
      'OPTIONS',
    )
    assert.equal(res.status, 204)
    assert.equal(res.body.length, 0)
    assert.equal(res.headers['access-control-allow-origin'], '*')
    assert.equal(res.headers['access-control-allow-methods'], 'GET, HEAD, PUT, PATCH, POST, DELETE')
    assert.equal(res.headers['access-control-allow-headers'], 'content-type, x-token')
    assert.equal(res.headers['access-control-max-age'], '600')
    assert.equal(res.headers.vary, 'Access-Control-Request-Headers')
  })

  test('a preflight wins over a registered OPTIONS route; a plain OPTIONS still reaches it', async () => {
    const preflight = await send(server.port, '/own', PREFLIGHT, 'OPTIONS')
    assert.equal(preflight.status, 204)
    assert.equal(preflight.headers['access-control-allow-methods'], 'GET, HEAD, PUT, PATCH, POST, DELETE')
    const plain = await send(server.port, '/own', { origin: SITE }, 'OPTIONS')
    assert.equal(plain.status, 200)
    assert.deepEqual(JSON.parse(plain.body.toString()), { own: true })
    // Without CORS headers in play, saker's own OPTIONS answer is unchanged.
    const automatic = await send(server.port, '/members', {}, 'OPTIONS')
    assert.equal(automatic.status, 204)
    assert.equal(automatic.headers.allow, 'GET, HEAD, OPTIONS, PUT')
    assert.equal(automatic.headers['access-control-allow-methods'], undefined)
  })

  test('errors, 404 and 405 carry the CORS headers, so the browser can read the problem', async () => {
    for (const [path, method, status] of [
      ['/fail', 'GET', 409],
      ['/nowhere', 'GET', 404],
      ['/members', 'DELETE', 405],
    ] as const) {
      const res = await send(server.port, path, { origin: SITE }, method)
      assert.equal(res.status, status, path)
      assert.equal(res.headers['access-control-allow-origin'], '*', path)
      assert.equal(res.headers['content-type'], 'application/problem+json', path)
    }
  })
})

describe('cors() with allowed origins', () => {
  const matchers: Array<[string, CorsOptions['origin']]> = [
    ['a string', SITE],
    ['a list', ['https://other.example.com', SITE]],
    ['a RegExp (a global one keeps no state)', /^https:\/\/app\.example\.com$/g],
    ['a function', (origin: string) => origin.endsWith('//app.example.com')],
  ]
  for (const [name, origin] of matchers) {
    test(`${name}: an allowed origin is echoed with Vary: Origin; others get no CORS headers`, async () => {
      const server = await corsServer({ origin })
      try {
        for (let i = 0; i < 2; i++) {
          const allowed = await send(server.port, '/members', { origin: SITE })
          assert.equal(allowed.headers['access-control-allow-origin'], SITE)
          assert.equal(allowed.headers.vary, 'Origin')
        }
        const denied = await send(server.port, '/members', { origin: 'https://evil.example.com' })
        assert.equal(denied.status, 200)
        assert.equal(denied.headers['access-control-allow-origin'], undefined)
        assert.equal(denied.headers.vary, 'Origin')
        const deniedPreflight = await send(
          server.port,
          '/members',
          { origin: 'https://evil.example.com', 'access-control-request-method': 'PUT' },
          'OPTIONS',
        )
        // Not answered as a preflight: saker's own OPTIONS reply, without CORS headers.
        assert.equal(deniedPreflight.status, 204)
        assert.equal(deniedPreflight.headers.allow, 'GET, HEAD, OPTIONS, PUT')
        assert.equal(deniedPreflight.headers['access-control-allow-origin'], undefined)
        assert.equal(deniedPreflight.headers['access-control-allow-methods'], undefined)
      } finally {
        await server.close()
      }
    })
  }

  test('credentials echo the origin (never *), and the configured lists are sent', async () => {
    const server = await corsServer({
      origin: [SITE],
      credentials: true,
      methods: ['GET', 'PUT'],
      allowHeaders: ['content-type', 'authorization'],
      exposeHeaders: ['x-total-count'],
      maxAge: null,
    })
    try {
      const simple = await send(server.port, '/members', { origin: SITE })
      assert.equal(simple.headers['access-control-allow-origin'], SITE)
      assert.equal(simple.headers['access-control-allow-credentials'], 'true')
      assert.equal(simple.headers['access-control-expose-headers'], 'x-total-count')
      assert.equal(simple.headers.vary, 'Origin')
      const preflight = await send(server.port, '/members', PREFLIGHT, 'OPTIONS')
      assert.equal(preflight.status, 204)
      assert.equal(preflight.headers['access-control-allow-origin'], SITE)
      assert.equal(preflight.headers['access-control-allow-credentials'], 'true')
      assert.equal(preflight.headers['access-control-allow-methods'], 'GET, PUT')
      assert.equal(preflight.headers['access-control-allow-headers'], 'content-type, authorization')
      assert.equal(preflight.headers['access-control-max-age'], undefined)
      assert.equal(preflight.headers['access-control-expose-headers'], undefined)
    } finally {
      await server.close()
    }
  })

  test('bad options throw in the factory', () => {
    assert.throws(() => cors({ maxAge: -1 }), /maxAge/)
    assert.throws(() => cors({ credentials: true }), /credentials need the allowed origins listed/)
    assert.throws(() => cors({ allowHeaders: ['a\nb'] }), /Invalid character/)
  })
})

describe('cors() as an onRequest hook', () => {
  test('body and validation errors carry the CORS headers too; preflights are answered', async () => {
    const app = saker({ logger: false })
    app.addHook('onRequest', cors({ origin: SITE }))
    app.post('/members', { bodyLimit: 10, body: t.Object({ name: t.String() }) }, () => ({ ok: true }))
    const server = await serve(app)
    try {
      const json = { origin: SITE, 'content-type': 'application/json' }
      const invalid = await send(server.port, '/members', json, 'POST', '{"n":1}')
      assert.equal(invalid.status, 422)
      assert.equal(invalid.headers['access-control-allow-origin'], SITE)
      const tooLarge = await send(server.port, '/members', json, 'POST', '{"name":"a long name"}')
      assert.equal(tooLarge.status, 413)
      assert.equal(JSON.parse(tooLarge.body.toString()).code, 'PAYLOAD_TOO_LARGE')
      assert.equal(tooLarge.headers['access-control-allow-origin'], SITE)
      const preflight = await send(server.port, '/members', PREFLIGHT, 'OPTIONS')
      assert.equal(preflight.status, 204)
      assert.equal(preflight.headers['access-control-allow-origin'], SITE)
      assert.equal(preflight.headers['access-control-allow-methods'], 'GET, HEAD, PUT, PATCH, POST, DELETE')
      assert.equal(preflight.headers['content-type'], undefined)
      assert.equal(preflight.headers['content-length'], undefined)
    } finally {
      await server.close()
    }
  })

  test('as middleware, the 422 of validation goes out without them (it runs after validation)', async () => {
    const app = saker({ logger: false })
    app.use(cors({ origin: SITE }))
    app.post('/members', { body: t.Object({ name: t.String() }) }, () => ({ ok: true }))
    const server = await serve(app)
    try {
      const json = { origin: SITE, 'content-type': 'application/json' }
      const invalid = await send(server.port, '/members', json, 'POST', '{"n":1}')
      assert.equal(invalid.status, 422)
      assert.equal(invalid.headers['access-control-allow-origin'], undefined)
    } finally {
      await server.close()
    }
  })
})
