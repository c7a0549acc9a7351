import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { HttpError, saker, t } from 'saker'
import { inject, serve } from 'saker/testing'
import { PROBLEM_500 } from './helpers/problems.ts'

const PROBLEM = 'application/problem+json'

describe('HttpError', () => {
  test('is rendered as the RFC 9457 problem of docs/errors.md', async () => {
    const app = saker({ logger: false })
    app.get('/api/v1/members/:id', {}, (ctx) => {
      throw new HttpError(404, `No member has id ${ctx.params.id}.`)
    })

    const res = await inject(app, '/api/v1/members/7')
    assert.equal(res.statusCode, 404)
    assert.equal(res.headers['content-type'], PROBLEM)
    assert.equal(res.headers['content-length'], String(Buffer.byteLength(res.payload)))
    assert.deepEqual(res.json(), {
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      code: 'NOT_FOUND',
      detail: 'No member has id 7.',
      instance: '/api/v1/members/7',
    })
  })

  test('without a detail, the detail is the status text and the code the default of the status', async () => {
    const app = saker({ logger: false })
    app.get('/limited', {}, () => {
      throw new HttpError(429)
    })
    app.get('/teapot', {}, () => {
      throw new HttpError(418)
    })

    const limited = await inject(app, '/limited')
    assert.equal(limited.statusCode, 429)
    assert.deepEqual(limited.json(), {
      type: 'about:blank',
      title: 'Too Many Requests',
      status: 429,
      code: 'TOO_MANY_REQUESTS',
      detail: 'Too Many Requests',
      instance: '/limited',
    })
    // a status without a default code gets HTTP_<status>
    const teapot = await inject(app, '/teapot')
    assert.equal(teapot.statusCode, 418)
    assert.deepEqual(teapot.json(), {
      type: 'about:blank',
      title: "I'm a Teapot",
      status: 418,
      code: 'HTTP_418',
      detail: "I'm a Teapot",
      instance: '/teapot',
    })
  })

  test('a custom code replaces the default one', async () => {
    const app = saker({ logger: false })
    app.post('/members', {}, () => {
      throw new HttpError(409, 'That email is taken.', { code: 'DUPLICATE_EMAIL' })
    })

    const res = await inject(app, { method: 'POST', url: '/members' })
    assert.equal(res.statusCode, 409)
    assert.equal(res.headers['content-type'], PROBLEM)
    assert.deepEqual(res.json(), {
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
      code: 'DUPLICATE_EMAIL',
      detail: 'That email is taken.',
      instance: '/members',
    })
  })

  test('headers are sent with the problem', async () => {
    const app = saker({ logger: false })
    app.get('/report', {}, () => {
      throw new HttpError(503, 'Database unavailable.', { headers: { 'Retry-After': '5' } })
    })

    const res = await inject(app, '/report')
    assert.equal(res.statusCode, 503)
    assert.equal(res.headers['retry-after'], '5')
    assert.equal(res.headers['content-type'], PROBLEM)
    assert.deepEqual(res.json(), {
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      detail: 'Database unavailable.',
      instance: '/report',
    })
  })

  test('extensions are merged into the body, but cannot overwrite the standard members', async () => {
    const app = saker({ logger: false })
    app.post('/transfer', {}, () => {
      throw new HttpError(403, 'Your balance is too low.', {
        code: 'OUT_OF_CREDIT',
        extensions: { balance: 30, accounts: ['/account/12345'], status: 200, type: 'https://evil.example' },
      })
    })

    const res = await inject(app, { method: 'POST', url: '/transfer' })
    assert.equal(res.statusCode, 403)
    assert.deepEqual(res.json(), {
      type: 'about:blank',
      title: 'Forbidden',
      status: 403,
      code: 'OUT_OF_CREDIT',
      detail: 'Your balance is too low.',
      instance: '/transfer',
      balance: 30,
      accounts: ['/account/12345'],
    })
  })

  test('field errors are listed as errors', async () => {
    const app = saker({ logger: false })
    app.post('/members', {}, () => {
      throw new HttpError(422, 'The email is not allowed.', {
        errors: [{ in: 'body', path: '/email', message: 'Disposable addresses are not accepted' }],
      })
    })

    const res = await inject(app, { method: 'POST', url: '/members' })
    assert.equal(res.statusCode, 422)
    assert.deepEqual(res.json(), {
      type: 'about:blank',
      title: 'Unprocessable Entity',
      status: 422,
      code: 'VALIDATION_FAILED',
      detail: 'The email is not allowed.',
      instance: '/members',
      errors: [{ in: 'body', path: '/email', message: 'Disposable addresses are not accepted' }],
    })
  })

  test('thrown from a hook or middleware, it is rendered the same way', async () => {
    const app = saker({ logger: false })
    app.addHook('onRequest', (ctx) => {
      if (ctx.headers.authorization === undefined) throw new HttpError(401, 'Sign in first.')
    })
    app.use(async (ctx, next) => {
      if (ctx.headers.authorization !== 'Bearer admin') throw new HttpError(403, 'Admins only.')
      await next()
    })
    app.get('/admin', {}, () => ({ ok: true }))

    const anonymous = await inject(app, '/admin')
    assert.equal(anonymous.statusCode, 401)
    assert.deepEqual(anonymous.json(), {
      type: 'about:blank',
      title: 'Unauthorized',
      status: 401,
      code: 'UNAUTHORIZED',
      detail: 'Sign in first.',
      instance: '/admin',
    })
    const user = await inject(app, { url: '/admin', headers: { authorization: 'Bearer user' } })
    assert.equal(user.statusCode, 403)
    assert.deepEqual(user.json(), {
      type: 'about:blank',
      title: 'Forbidden',
      status: 403,
      code: 'FORBIDDEN',
      detail: 'Admins only.',
      instance: '/admin',
    })
  })
})

describe('unexpected errors', () => {
  test('become a 500 that reveals neither the message nor the stack', async () => {
    const app = saker({ logger: false })
    app.get('/x', {}, () => {
      throw new Error('connect ECONNREFUSED db.internal:5432 password=hunter2')
    })

    const res = await inject(app, '/x')
    assert.equal(res.statusCode, 500)
    assert.equal(res.headers['content-type'], PROBLEM)
    assert.deepEqual(res.json(), { ...PROBLEM_500, instance: '/x' })
    assert.ok(!res.payload.includes('hunter2'))
    assert.ok(!res.payload.includes('ECONNREFUSED'))
  })

  test('the server keeps serving after one (on a real socket)', async () => {
    const app = saker({ logger: false })
    app.get('/boom', {}, () => {
      throw new Error('boom')
    })
    app.get('/ok', {}, () => ({ ok: true }))
    const server = await serve(app)
    try {
      const boom = await fetch(`${server.url}/boom`)
      assert.equal(boom.status, 500)
      assert.equal(boom.headers.get('content-type'), PROBLEM)
      assert.deepEqual(await boom.json(), { ...PROBLEM_500, instance: '/boom' })

      const ok = await fetch(`${server.url}/ok`)
      assert.equal(ok.status, 200)
      assert.deepEqual(await ok.json(), { ok: true })

      const again = await fetch(`${server.url}/boom`)
      assert.equal(again.status, 500)
      await again.body?.cancel()
    } finally {
      await server.close()
    }
  })

  test('with dev: true, the problem carries the stack as an array of lines', async () => {
    const app = saker({ logger: false, dev: true })
    app.get('/x', {}, function explode() {
      throw new Error('boom')
    })

    const res = await inject(app, '/x')
    assert.equal(res.statusCode, 500)
    const { stack, ...problem } = res.json()
    assert.deepEqual(problem, { ...PROBLEM_500, instance: '/x' })
    assert.ok(Array.isArray(stack))
    assert.equal(stack[0], 'Error: boom')
    assert.match(stack[1], /^at (Object\.)?explode \(.*errors\.test\.ts:\d+:\d+\)$/)
    for (const line of stack) assert.equal(typeof line, 'string')
  })

  test('with dev: true, a 4xx problem has no stack', async () => {
    const app = saker({ logger: false, dev: true })
    app.get('/x', {}, () => {
      throw new HttpError(404, 'No x.')
    })

    const res = await inject(app, '/x')
    assert.equal(res.statusCode, 404)
    assert.deepEqual(res.json(), {
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      code: 'NOT_FOUND',
      detail: 'No x.',
      instance: '/x',
    })
  })

  test('a thrown value that is not an Error (a string) is a 500', async () => {
    const app = saker({ logger: false })
    app.get('/x', {}, () => {
      throw 'db password is hunter2'
    })

    const res = await inject(app, '/x')
    assert.equal(res.statusCode, 500)
    assert.equal(res.headers['content-type'], PROBLEM)
    assert.deepEqual(res.json(), { ...PROBLEM_500, instance: '/x' })
  })

  test('a rejected promise is a 500, from an async handler or a returned rejection', async () => {
    const app = saker({ logger: false })
    app.get('/async', {}, async () => {
      await new Promise((resolve) => setImmediate(resolve))
      throw new Error('later')
    })
    app.get('/rejected', {}, () => Promise.reject(new TypeError('nope')))

    for (const url of ['/async', '/rejected']) {
      const res = await inject(app, url)
      assert.equal(res.statusCode, 500, url)
      assert.equal(res.headers['content-type'], PROBLEM, url)
      assert.deepEqual(res.json(), { ...PROBLEM_500, instance: url }, url)
    }
  })

  // A reply Node refuses to write (a header with CR/LF, a status out of range) throws inside saker's
  // write step; it must become a 500 like any other error, not an uncaught exception that ends the process.
  test('a redirect to a query-supplied URL percent-encodes CR/LF: no header injection', async () => {
    const app = saker({ logger: false, server: { closeGrace: 100 } })
    app.get('/login', { query: t.Object({ next: t.String() }) }, (ctx) => ctx.redirect(ctx.query.next))
    const server = await serve(app)
    try {
      const res = await fetch(`${server.url}/login?next=/home%0D%0ASet-Cookie:%20admin=1`, {
        redirect: 'manual',
        signal: AbortSignal.timeout(2000),
      })
      assert.equal(res.status, 302)
      assert.equal(res.headers.get('set-cookie'), null)
      assert.equal(res.headers.get('location'), '/home%0D%0ASet-Cookie:%20admin=1')
    } finally {
      await server.close()
    }
  })

  test('a header value Node refuses (CR/LF) is a 500, and the server keeps serving', async () => {
    const app = saker({ logger: false, server: { closeGrace: 100 } })
    app.get('/echo', { query: t.Object({ v: t.String() }) }, (ctx) => {
      ctx.header('x-echo', ctx.query.v)
      return { ok: true }
    })
    app.get('/ok', {}, () => ({ ok: true }))
    const server = await serve(app)
    try {
      const url = '/echo?v=a%0D%0ASet-Cookie:%20admin=1'
      const res = await fetch(`${server.url}${url}`, { signal: AbortSignal.timeout(2000) })
      assert.equal(res.status, 500)
      assert.equal(res.headers.get('set-cookie'), null)
      assert.equal(res.headers.get('x-echo'), null)
      assert.deepEqual(await res.json(), { ...PROBLEM_500, instance: url })

      const ok = await fetch(`${server.url}/ok`, { signal: AbortSignal.timeout(2000) })
      assert.equal(ok.status, 200)
      assert.deepEqual(await ok.json(), { ok: true })
    } finally {
      await server.close()
    }
  })

  test('a status Node refuses is a 500, and the server keeps serving', async () => {
    const app = saker({ logger: false, server: { closeGrace: 100 } })
    app.get('/odd', {}, (ctx) => ctx.json({ ok: true }, 42))
    app.get('/ok', {}, () => ({ ok: true }))
    const server = await serve(app)
    try {
      const res = await fetch(`${server.url}/odd`, { signal: AbortSignal.timeout(2000) })
      assert.equal(res.status, 500)
      assert.deepEqual(await res.json(), { ...PROBLEM_500, instance: '/odd' })

      const ok = await fetch(`${server.url}/ok`, { signal: AbortSignal.timeout(2000) })
      assert.equal(ok.status, 200)
    } finally {
      await server.close()
    }
  })

  test('an error whose problem cannot be written as JSON (a BigInt extension) is a 500, and the server keeps serving', async () => {
    const app = saker({ logger: false, server: { closeGrace: 100 } })
    app.get('/odd', {}, () => {
      throw new HttpError(409, 'taken', { extensions: { version: 10n } })
    })
    app.get('/ok', {}, () => ({ ok: true }))
    const server = await serve(app)
    try {
      const res = await fetch(`${server.url}/odd`, { signal: AbortSignal.timeout(2000) })
      assert.equal(res.status, 500)
      assert.equal(res.headers.get('content-type'), PROBLEM)
      assert.deepEqual(await res.json(), { ...PROBLEM_500, instance: '/odd' })

      const ok = await fetch(`${server.url}/ok`, { signal: AbortSignal.timeout(2000) })
      assert.equal(ok.status, 200)
    } finally {
      await server.close()
    }
  })
})
