import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type Method, saker, t } from 'saker'
import { inject } from 'saker/testing'

const PROBLEM = 'application/problem+json'

/** Headers a reply carries whatever the route, without the per-request ones (`date`, `x-request-id`). */
function stable(headers: Record<string, unknown>): Record<string, unknown> {
  const { date: _date, 'x-request-id': _id, ...rest } = headers
  return rest
}

describe('function routes', () => {
  test('app.get/post/put/patch/delete/options and app.on register a route for their method', async () => {
    const app = saker({ logger: false })
    const echo = (ctx: { method: string }) => ({ method: ctx.method })
    app.get('/r', {}, echo)
    app.post('/r', {}, echo)
    app.put('/r', {}, echo)
    app.patch('/r', {}, echo)
    app.delete('/r', {}, echo)
    app.options('/r', {}, echo)
    app.on('GET', '/on', {}, echo)

    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as Method[]) {
      const res = await inject(app, { method, url: '/r' })
      assert.equal(res.statusCode, 200, method)
      assert.equal(res.headers['content-type'], 'application/json', method)
      assert.deepEqual(res.json(), { method }, method)
    }
    const on = await inject(app, { method: 'GET', url: '/on' })
    assert.equal(on.statusCode, 200)
    assert.deepEqual(on.json(), { method: 'GET' })
  })

  test('app.head registers a HEAD route that wins over the GET one', async () => {
    const app = saker({ logger: false })
    let getCalls = 0
    app.get('/r', {}, () => {
      getCalls++
      return { from: 'get' }
    })
    app.head('/r', {}, (ctx) => {
      ctx.header('x-from', 'head')
      return ctx.send('12345')
    })

    const res = await inject(app, { method: 'HEAD', url: '/r' })
    assert.equal(res.statusCode, 200)
    assert.equal(res.headers['x-from'], 'head')
    assert.equal(res.headers['content-length'], '5')
    assert.equal(res.payload, '')
    assert.equal(getCalls, 0)
  })
})

describe('paths', () => {
  test('static beats param beats wildcard, with ctx.params filled in', async () => {
    const app = saker({ logger: false })
    app.get('/members/me', {}, () => ({ route: 'static' }))
    app.get('/members/:id', {}, (ctx) => ({ route: 'param', params: ctx.params }))
    app.get('/members/*', {}, (ctx) => ({ route: 'wildcard', params: ctx.params }))
    app.get('/members/:id/posts/:postId', {}, (ctx) => ({ route: 'two params', params: ctx.params }))

    const cases: Array<[string, unknown]> = [
      ['/members/me', { route: 'static' }],
      ['/members/42', { route: 'param', params: { id: '42' } }],
      ['/members/7/posts/9', { route: 'two params', params: { id: '7', postId: '9' } }],
      // backtracks out of `:id` (no `/notes` under it) into the wildcard
      ['/members/42/notes/1', { route: 'wildcard', params: { '*': '42/notes/1' } }],
      ['/members/', { route: 'wildcard', params: { '*': '' } }],
    ]
    for (const [url, body] of cases) {
      const res = await inject(app, url)
      assert.equal(res.statusCode, 200, url)
      assert.deepEqual(res.json(), body, url)
    }
  })

  test('a params schema coerces the param to an integer', async () => {
    const app = saker({ logger: false })
    app.get('/members/:id', { params: t.Object({ id: t.Integer() }) }, (ctx) => ({
      id: ctx.params.id,
      type: typeof ctx.params.id,
    }))

    const res = await inject(app, '/members/42')
    assert.equal(res.statusCode, 200)
    assert.deepEqual(res.json(), { id: 42, type: 'number' })
  })

  test('a param that does not fit its schema is a 422 naming the param', async () => {
    const app = saker({ logger: false })
    let called = false
    app.get('/members/:id', { params: t.Object({ id: t.Integer() }) }, () => {
      called = true
      return {}
    })

    for (const id of ['abc', '1.5']) {
      const res = await inject(app, `/members/${id}`)
      assert.equal(res.statusCode, 422, id)
      assert.equal(res.headers['content-type'], PROBLEM)
      assert.deepEqual(res.json(), {
        type: 'about:blank',
        title: 'Unprocessable Entity',
        status: 422,
        code: 'VALIDATION_FAILED',
        detail: 'The request has invalid values; see errors.',
        instance: `/members/${id}`,
        errors: [{ in: 'params', path: '/id', message: 'Expected integer' }],
      })
    }
    assert.equal(called, false)
  })

  test('params and the wildcard are percent-decoded', async () => {
    const app = saker({ logger: false })
    app.get('/members/:name', {}, (ctx) => ({ name: ctx.params.name, path: ctx.path }))
    app.get('/files/*', {}, (ctx) => ({ rest: ctx.params['*'] }))

    const member = await inject(app, '/members/Ada%20Lovelace%2Fx%C3%A9')
    assert.equal(member.statusCode, 200)
    // ctx.path stays as sent; only the param is decoded
    assert.deepEqual(member.json(), { name: 'Ada Lovelace/xé', path: '/members/Ada%20Lovelace%2Fx%C3%A9' })

    const file = await inject(app, '/files/my%20docs/a%2Bb.txt')
    assert.equal(file.statusCode, 200)
    assert.deepEqual(file.json(), { rest: 'my docs/a+b.txt' })
  })

  test('a param is decoded before it is coerced', async () => {
    const app = saker({ logger: false })
    app.get('/members/:id', { params: t.Object({ id: t.Integer() }) }, (ctx) => ({ id: ctx.params.id }))

    const res = await inject(app, '/members/%34%32') // "42"
    assert.equal(res.statusCode, 200)
    assert.deepEqual(res.json(), { id: 42 })
  })

  test('malformed percent-encoding in a param is a 400', async () => {
    const app = saker({ logger: false })
    let called = false
    app.get('/members/:name', {}, () => {
      called = true
      return {}
    })

    // %E0%A4%A: a truncated UTF-8 sequence, then "%A" with one hex digit
    const res = await inject(app, '/members/%E0%A4%A')
    assert.equal(res.statusCode, 400)
    assert.equal(res.headers['content-type'], PROBLEM)
    assert.deepEqual(res.json(), {
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      code: 'BAD_REQUEST',
      detail: 'The path parameter "name" is not valid percent-encoding.',
      instance: '/members/%E0%A4%A',
    })
    assert.equal(called, false)
  })
})

describe('404, 405, HEAD and OPTIONS', () => {
  test('an unknown path is a 404 problem', async () => {
    const app = saker({ logger: false })
    app.get('/members', {}, () => [])

    const res = await inject(app, '/nope')
    assert.equal(res.statusCode, 404)
    assert.equal(res.headers['content-type'], PROBLEM)
    assert.equal(res.headers['content-length'], String(Buffer.byteLength(res.payload)))
    assert.deepEqual(res.json(), {
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      code: 'NOT_FOUND',
      detail: 'No route matches /nope.',
      instance: '/nope',
    })
  })

  test('a known path with another method is a 405 with Allow', async () => {
    const app = saker({ logger: false })
    app.get('/members/:id', {}, () => ({}))
    app.put('/members/:id', {}, () => ({}))
    app.delete('/members/:id', {}, () => undefined)

    const res = await inject(app, { method: 'POST', url: '/members/7' })
    assert.equal(res.statusCode, 405)
    assert.equal(res.headers['content-type'], PROBLEM)
    // sorted; HEAD comes with GET, OPTIONS is always answered
    assert.equal(res.headers.allow, 'DELETE, GET, HEAD, OPTIONS, PUT')
    assert.deepEqual(res.json(), {
      type: 'about:blank',
      title: 'Method Not Allowed',
      status: 405,
      code: 'METHOD_NOT_ALLOWED',
      detail: 'This resource does not support the method; use one of: DELETE, GET, HEAD, OPTIONS, PUT.',
      instance: '/members/7',
    })
  })

  test('HEAD on a POST-only path is a 405 without HEAD in Allow', async () => {
    const app = saker({ logger: false })
    app.post('/members', {}, () => ({}))

    const res = await inject(app, { method: 'HEAD', url: '/members' })
    assert.equal(res.statusCode, 405)
    assert.equal(res.headers.allow, 'OPTIONS, POST')
    assert.equal(res.payload, '')
  })

  test('HEAD on a GET route runs GET and sends its headers, Content-Length included, without a body', async () => {
    const app = saker({ logger: false })
    let calls = 0
    app.get('/members', {}, (ctx) => {
      calls++
      ctx.header('x-total', 2)
      return [{ name: 'Ada' }, { name: 'Grace' }]
    })

    const get = await inject(app, '/members')
    const head = await inject(app, { method: 'HEAD', url: '/members' })
    assert.equal(get.statusCode, 200)
    assert.equal(get.payload, '[{"name":"Ada"},{"name":"Grace"}]')
    assert.equal(head.statusCode, 200)
    assert.equal(head.payload, '')
    assert.deepEqual(stable(head.headers), stable(get.headers))
    assert.equal(head.headers['content-length'], String(get.payload.length))
    assert.equal(head.headers['content-type'], 'application/json')
    assert.equal(head.headers['x-total'], '2')
    assert.equal(calls, 2)
  })

  test('OPTIONS is answered 204 with Allow', async () => {
    const app = saker({ logger: false })
    app.get('/members', {}, () => [])
    app.post('/members', {}, () => ({}))

    const res = await inject(app, { method: 'OPTIONS', url: '/members' })
    assert.equal(res.statusCode, 204)
    assert.equal(res.headers.allow, 'GET, HEAD, OPTIONS, POST')
    assert.equal(res.headers['content-length'], undefined)
    assert.equal(res.headers['content-type'], undefined)
    assert.equal(res.payload, '')
  })

  test('a registered OPTIONS route wins over the automatic answer', async () => {
    const app = saker({ logger: false })
    app.get('/members', {}, () => [])
    app.options('/members', {}, (ctx) => {
      ctx.header('access-control-allow-methods', 'GET')
      return ctx.json({ custom: true })
    })

    const res = await inject(app, { method: 'OPTIONS', url: '/members' })
    assert.equal(res.statusCode, 200)
    assert.equal(res.headers['access-control-allow-methods'], 'GET')
    assert.equal(res.headers.allow, undefined)
    assert.deepEqual(res.json(), { custom: true })
  })
})

describe('trailing slashes', () => {
  test('are strict by default, both ways', async () => {
    const app = saker({ logger: false })
    app.get('/members', {}, () => ({ route: '/members' }))
    app.get('/teams/', {}, () => ({ route: '/teams/' }))

    assert.deepEqual((await inject(app, '/members')).json(), { route: '/members' })
    assert.deepEqual((await inject(app, '/teams/')).json(), { route: '/teams/' })

    const extra = await inject(app, '/members/')
    assert.equal(extra.statusCode, 404)
    assert.deepEqual(extra.json(), {
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      code: 'NOT_FOUND',
      detail: 'No route matches /members/.',
      instance: '/members/',
    })
    const missing = await inject(app, '/teams')
    assert.equal(missing.statusCode, 404)
    assert.deepEqual(missing.json(), {
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      code: 'NOT_FOUND',
      detail: 'No route matches /teams.',
      instance: '/teams',
    })
  })

  test('ignoreTrailingSlash: true ignores one trailing slash at registration and on requests', async () => {
    const app = saker({ logger: false, ignoreTrailingSlash: true })
    app.get('/members', {}, () => ({ route: 'members' }))
    app.get('/teams/', {}, () => ({ route: 'teams' }))
    app.get('/', {}, () => ({ route: 'root' }))

    for (const [url, route] of [
      ['/members', 'members'],
      ['/members/', 'members'],
      ['/teams', 'teams'],
      ['/teams/', 'teams'],
      ['/', 'root'],
    ]) {
      const res = await inject(app, url as string)
      assert.equal(res.statusCode, 200, url)
      assert.deepEqual(res.json(), { route }, url)
    }
    // one slash only
    assert.equal((await inject(app, '/members//')).statusCode, 404)
  })

  test('ignoreTrailingSlash: true still lets /files/ match /files/* (docs/routing.md)', async () => {
    const app = saker({ logger: false, ignoreTrailingSlash: true })
    app.get('/files/*', {}, (ctx) => ({ rest: ctx.params['*'] }))

    const res = await inject(app, '/files/')
    assert.equal(res.statusCode, 200)
    assert.deepEqual(res.json(), { rest: '' })
  })

  test('ignoreTrailingSlash: true serves Swagger UI at /docs/ instead of redirecting to itself', async () => {
    const app = saker({ logger: false, ignoreTrailingSlash: true })
    app.get('/members', {}, () => [])

    const res = await inject(app, '/docs/')
    assert.equal(res.statusCode, 200, `got ${res.statusCode} with Location ${res.headers.location}`)
    assert.match(String(res.headers['content-type']), /^text\/html/)
  })
})

describe('groups and mounted apps', () => {
  test('a group prefixes its routes and its middleware and hooks stay inside it', async () => {
    const app = saker({ logger: false })
    app.get('/health', {}, () => ({ ok: true }))
    app.group('/admin', (admin) => {
      admin.use(async (ctx, next) => {
        ctx.header('x-admin', 'yes')
        await next()
      })
      admin.addHook('onRequest', (ctx) => {
        ctx.header('x-admin-hook', 'yes')
      })
      admin.get('/users/:id', {}, (ctx) => ({ id: ctx.params.id }))
      admin.group('/reports', (reports) => reports.get('/daily', {}, () => ({ report: 'daily' })))
    })

    const user = await inject(app, '/admin/users/3')
    assert.equal(user.statusCode, 200)
    assert.deepEqual(user.json(), { id: '3' })
    assert.equal(user.headers['x-admin'], 'yes')
    assert.equal(user.headers['x-admin-hook'], 'yes')

    const nested = await inject(app, '/admin/reports/daily')
    assert.equal(nested.statusCode, 200)
    assert.deepEqual(nested.json(), { report: 'daily' })
    assert.equal(nested.headers['x-admin'], 'yes')

    const health = await inject(app, '/health')
    assert.deepEqual(health.json(), { ok: true })
    assert.equal(health.headers['x-admin'], undefined)
    assert.equal(health.headers['x-admin-hook'], undefined)

    assert.equal((await inject(app, '/users/3')).statusCode, 404)
  })

  test('/api/v1 as a group and /api/v2 as a mounted saker() app live side by side', async () => {
    const app = saker({ logger: false })
    app.group('/api/v1', (v1) => {
      v1.use(async (ctx, next) => {
        ctx.header('x-api', 'v1')
        await next()
      })
      v1.get('/members/:id', {}, (ctx) => ({ version: 1, id: ctx.params.id }))
    })
    const v2 = saker({ logger: false })
    v2.addHook('onRequest', (ctx) => {
      ctx.header('x-api', 'v2')
    })
    v2.get('/members/:id', { params: t.Object({ id: t.Integer() }) }, (ctx) => ({
      version: 2,
      id: ctx.params.id,
    }))
    app.mount('/api/v2', v2)

    const one = await inject(app, '/api/v1/members/7')
    assert.equal(one.statusCode, 200)
    assert.equal(one.headers['x-api'], 'v1')
    assert.deepEqual(one.json(), { version: 1, id: '7' })

    const two = await inject(app, '/api/v2/members/7')
    assert.equal(two.statusCode, 200)
    assert.equal(two.headers['x-api'], 'v2')
    assert.deepEqual(two.json(), { version: 2, id: 7 })

    assert.equal((await inject(app, '/members/7')).statusCode, 404)
    assert.equal((await inject(app, '/api/v3/members/7')).statusCode, 404)
  })

  test('a mount prefix must start with "/" and not end with one', () => {
    const app = saker({ logger: false })
    for (const prefix of ['api', '/api/']) {
      assert.throws(() => app.mount(prefix, saker({ logger: false })), {
        message: `A prefix starts with "/" and does not end with one: "${prefix}"`,
      })
    }
  })
})

describe('registration', () => {
  const LATE = { message: 'Routes, middleware and hooks must be added before the app starts' }

  test('registering anything after the app started throws', async () => {
    const app = saker({ logger: false })
    const group = app.group('/g', (g) => g.get('/x', {}, () => ({})))
    app.get('/x', {}, () => ({}))
    assert.equal((await inject(app, '/x')).statusCode, 200)

    assert.throws(() => app.get('/late', {}, () => ({})), LATE)
    assert.throws(() => app.post('/x', {}, () => ({})), LATE)
    assert.throws(() => app.use(async (_ctx, next) => next()), LATE)
    assert.throws(() => app.addHook('onRequest', () => undefined), LATE)
    assert.throws(() => app.group('/h'), LATE)
    assert.throws(() => app.mount('/m', saker({ logger: false })), LATE)
    assert.throws(() => app.route('/r', { onGet: () => ({}) }), LATE)
    assert.throws(() => group.get('/late', {}, () => ({})), LATE)
    // and nothing was added
    assert.equal((await inject(app, '/late')).statusCode, 404)
  })

  test('a route registered twice throws when the app starts', async () => {
    const twice = saker({ logger: false })
    twice.get('/members', {}, () => [])
    twice.get('/members', {}, () => [])
    assert.throws(() => twice.ready(), { message: 'Route GET /members is already registered' })

    // the same full path reached through a group
    const grouped = saker({ logger: false })
    grouped.get('/api/members/:id', {}, () => ({}))
    grouped.group('/api', (api) => api.get('/members/:id', {}, () => ({})))
    await assert.rejects(inject(grouped, '/api/members/1'), {
      message: 'Route GET /api/members/:id is already registered',
    })
  })

  test('with ignoreTrailingSlash, /members and /members/ are the same route', () => {
    const app = saker({ logger: false, ignoreTrailingSlash: true })
    app.get('/members', {}, () => [])
    app.get('/members/', {}, () => [])
    assert.throws(() => app.ready(), { message: 'Route GET /members is already registered' })
  })

  test('a handler that is not a function throws at registration', () => {
    const app = saker({ logger: false })
    assert.throws(() => app.get('/x', {}, 'nope' as never), {
      name: 'TypeError',
      message: 'The handler of GET /x is not a function',
    })
  })
})
