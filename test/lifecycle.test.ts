import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { type Context, HttpError, type Middleware, saker, t } from 'saker'
import { inject, type Response } from 'saker/testing'
import { PROBLEM_500 } from './helpers/problems.ts'

/** onResponse hooks run on the response's `finish`; give them a turn before reading what they recorded. */
const settled = () => new Promise((resolve) => setImmediate(resolve))

/** Fails the test instead of hanging it when a request is never answered. */
async function within(ms: number, pending: Promise<Response>): Promise<Response> {
  const timeout = sleep(ms).then(() => {
    throw new Error(`no response within ${ms} ms`)
  })
  return Promise.race([pending, timeout])
}

describe('the order of docs/lifecycle.md', () => {
  test('app, group and route hooks and middleware run in the documented order', async () => {
    const calls: string[] = []
    const record = (name: string) => () => {
      calls.push(name)
    }
    const wrap =
      (scope: string): Middleware =>
      async (ctx, next) => {
        // steps 3-4 ran before middleware: the body is parsed and the params coerced
        calls.push(
          `${scope} middleware before (body ${JSON.stringify(ctx.body)}, id ${typeof ctx.params.id})`,
        )
        await next()
        calls.push(`${scope} middleware after (payload set: ${ctx.payload !== null})`)
      }

    const app = saker({ logger: false })
    app.addHook('onRequest', (ctx) => {
      // step 2 runs before the body is read
      calls.push(`app onRequest (body ${String(ctx.body)})`)
    })
    app.use(wrap('app'))
    app.addHook('preHandler', record('app preHandler'))
    app.addHook('onSend', (_ctx, payload) => {
      calls.push(`app onSend (${String(payload)})`)
    })
    app.addHook('onResponse', record('app onResponse'))
    app.group('/g', (group) => {
      group.addHook('onRequest', record('group onRequest'))
      group.use(wrap('group'))
      group.addHook('preHandler', record('group preHandler'))
      group.addHook('onSend', record('group onSend'))
      group.addHook('onResponse', record('group onResponse'))
      group.post(
        '/items/:id',
        {
          params: t.Object({ id: t.Integer() }),
          body: t.Object({ name: t.String() }),
          middleware: [wrap('route')],
          hooks: {
            onRequest: record('route onRequest'),
            preHandler: record('route preHandler'),
            onSend: record('route onSend'),
            onResponse: record('route onResponse'),
          },
        },
        (ctx) => {
          calls.push('handler')
          return { id: ctx.params.id, name: ctx.body.name }
        },
      )
    })

    const res = await inject(app, { method: 'POST', url: '/g/items/7', payload: { name: 'x' } })
    await settled()
    assert.equal(res.statusCode, 200)
    assert.deepEqual(res.json(), { id: 7, name: 'x' })
    assert.deepEqual(calls, [
      'app onRequest (body undefined)',
      'group onRequest',
      'route onRequest',
      'app middleware before (body {"name":"x"}, id number)',
      'group middleware before (body {"name":"x"}, id number)',
      'route middleware before (body {"name":"x"}, id number)',
      'app preHandler',
      'group preHandler',
      'route preHandler',
      'handler',
      'route middleware after (payload set: true)',
      'group middleware after (payload set: true)',
      'app middleware after (payload set: true)',
      'app onSend ({"id":7,"name":"x"})',
      'group onSend',
      'route onSend',
      'app onResponse',
      'group onResponse',
      'route onResponse',
    ])
  })

  test('async and sync hooks of one step run one after the other, in the order added', async () => {
    const calls: string[] = []
    const app = saker({ logger: false })
    for (const name of ['onRequest', 'preHandler', 'onSend'] as const) {
      app.addHook(name, async () => {
        await sleep(5)
        calls.push(`${name} async`)
      })
      app.addHook(name, () => {
        calls.push(`${name} sync`)
      })
    }
    app.get('/x', {}, async () => {
      calls.push('handler')
      return { ok: true }
    })

    const res = await inject(app, '/x')
    assert.equal(res.statusCode, 200)
    assert.deepEqual(res.json(), { ok: true })
    assert.deepEqual(calls, [
      'onRequest async',
      'onRequest sync',
      'preHandler async',
      'preHandler sync',
      'handler',
      'onSend async',
      'onSend sync',
    ])
  })
})

describe('sync and async steps mixed', () => {
  test('a sync middleware returning next() around an async handler waits for it', async () => {
    const calls: string[] = []
    const app = saker({ logger: false })
    app.addHook('onRequest', () => void calls.push('onRequest'))
    app.use((_ctx, next) => {
      calls.push('sync middleware')
      return next()
    })
    app.get('/x', {}, async () => {
      await sleep(5)
      calls.push('handler')
      return { late: true }
    })

    const res = await within(2000, inject(app, '/x'))
    assert.equal(res.statusCode, 200)
    assert.deepEqual(res.json(), { late: true })
    assert.deepEqual(calls, ['onRequest', 'sync middleware', 'handler'])
  })

  test('an async middleware sees the reply a sync chain set, and may change it', async () => {
    const app = saker({ logger: false })
    app.use(async (ctx, next) => {
      await next()
      ctx.header('x-seen', String(ctx.payload?.kind))
    })
    app.use((_ctx, next) => next())
    app.get('/x', {}, () => ({ ok: true }))

    const res = await inject(app, '/x')
    assert.equal(res.statusCode, 200)
    assert.equal(res.headers['x-seen'], 'value')
    assert.deepEqual(res.json(), { ok: true })
  })

  test('a sync throw under a sync middleware reaches the error reply with its status', async () => {
    const app = saker({ logger: false })
    app.use((_ctx, next) => next())
    app.get('/x', {}, () => {
      throw new HttpError(409, 'Taken.')
    })

    const res = await inject(app, '/x')
    assert.equal(res.statusCode, 409)
    assert.deepEqual(res.json(), {
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
      code: 'CONFLICT',
      detail: 'Taken.',
      instance: '/x',
    })
  })

  test('an async onSend hook replaces the payload for the sync hooks after it', async () => {
    const app = saker({ logger: false })
    app.addHook('onSend', async (_ctx, payload) => {
      await sleep(5)
      return `[${String(payload)}]`
    })
    app.addHook('onSend', (_ctx, payload) => `${String(payload)}!`)
    app.get('/x', {}, () => 'hi')

    const res = await inject(app, '/x')
    assert.equal(res.payload, '["hi"]!')
    assert.equal(res.headers['content-length'], '7')
  })
})

describe('stopping early', () => {
  test('a reply set by an onRequest hook ends the request: no middleware, preHandler or handler', async () => {
    const calls: string[] = []
    const app = saker({ logger: false })
    app.addHook('onRequest', (ctx) => {
      if (ctx.headers.authorization === undefined) ctx.json({ error: 'sign in' }, 401)
    })
    app.addHook('onRequest', () => void calls.push('second onRequest'))
    app.use(async (_ctx, next) => {
      calls.push('middleware')
      await next()
    })
    app.addHook('preHandler', () => void calls.push('preHandler'))
    app.addHook('onSend', () => void calls.push('onSend'))
    app.get('/private', {}, () => {
      calls.push('handler')
      return { secret: 1 }
    })

    const res = await inject(app, '/private')
    assert.equal(res.statusCode, 401)
    assert.equal(res.headers['content-type'], 'application/json')
    assert.deepEqual(res.json(), { error: 'sign in' })
    // the reply still goes through onSend
    assert.deepEqual(calls, ['onSend'])

    calls.length = 0
    const ok = await inject(app, { url: '/private', headers: { authorization: 'Bearer x' } })
    assert.equal(ok.statusCode, 200)
    assert.deepEqual(calls, ['second onRequest', 'middleware', 'preHandler', 'handler', 'onSend'])
  })

  test('a preHandler reply ends the request before the handler', async () => {
    let handled = false
    const app = saker({ logger: false })
    app.get('/x', { hooks: { preHandler: (ctx) => ctx.text('from preHandler', 202) } }, () => {
      handled = true
      return {}
    })

    const res = await inject(app, '/x')
    assert.equal(res.statusCode, 202)
    assert.equal(res.payload, 'from preHandler')
    assert.equal(handled, false)
  })

  test('middleware that does not call next() ends the request with its reply', async () => {
    const calls: string[] = []
    const app = saker({ logger: false })
    app.use((ctx) => {
      calls.push('gate')
      ctx.json({ error: 'closed' }, 503)
    })
    app.get('/x', { middleware: [() => void calls.push('route middleware')] }, () => {
      calls.push('handler')
      return {}
    })

    const res = await inject(app, '/x')
    assert.equal(res.statusCode, 503)
    assert.deepEqual(res.json(), { error: 'closed' })
    assert.deepEqual(calls, ['gate'])
  })

  test('middleware that neither replies nor calls next() leaves a 204', async () => {
    let handled = false
    const app = saker({ logger: false })
    app.get('/x', { middleware: [() => undefined] }, () => {
      handled = true
      return { ok: true }
    })

    const res = await inject(app, '/x')
    assert.equal(res.statusCode, 204)
    assert.equal(res.payload, '')
    assert.equal(handled, false)
  })

  test('calling next() twice is a 500, and the handler runs once', async () => {
    let handled = 0
    const app = saker({ logger: false })
    app.get(
      '/x',
      {
        middleware: [
          async (_ctx, next) => {
            await next()
            await next()
          },
        ],
      },
      () => {
        handled++
        return { ok: true }
      },
    )

    const res = await inject(app, '/x')
    assert.equal(res.statusCode, 500)
    assert.equal(res.headers['content-type'], 'application/problem+json')
    assert.deepEqual(res.json(), { ...PROBLEM_500, instance: '/x' })
    assert.equal(handled, 1)
  })
})

describe('onSend', () => {
  test('may replace the payload, and Content-Length follows the new bytes', async () => {
    const app = saker({ logger: false })
    app.addHook('onSend', (_ctx, payload) => `${String(payload)} & café`)
    app.addHook('onSend', (_ctx, payload) => Buffer.from(`<${String(payload)}>`))
    app.addHook('onSend', () => undefined) // returning nothing keeps the payload
    app.get('/x', {}, () => 'hi')

    const res = await inject(app, '/x')
    const expected = '<"hi" & café>'
    assert.equal(res.statusCode, 200)
    assert.equal(res.payload, expected)
    // é is two bytes: the length is counted in bytes, not characters
    assert.equal(res.headers['content-length'], String(Buffer.byteLength(expected)))
    assert.equal(res.headers['content-length'], '14')
    assert.equal(res.headers['content-type'], 'application/json')
  })

  test('a throwing onSend hook answers 500', async () => {
    const app = saker({ logger: false })
    app.addHook('onSend', () => {
      throw new Error('onSend broke')
    })
    app.get('/x', {}, () => ({ ok: true }))

    const res = await inject(app, '/x')
    assert.equal(res.statusCode, 500)
    assert.deepEqual(res.json(), { ...PROBLEM_500, instance: '/x' })
  })
})

describe('onError', () => {
  test('sees the HttpError thrown', async () => {
    const seen: unknown[] = []
    const app = saker({ logger: false })
    app.addHook('onError', (_ctx, error) => {
      seen.push(error)
    })
    app.get('/x', {}, () => {
      throw new HttpError(409, 'Taken.', { code: 'DUPLICATE' })
    })

    const res = await inject(app, '/x')
    assert.equal(res.statusCode, 409)
    assert.deepEqual(res.json(), {
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
      code: 'DUPLICATE',
      detail: 'Taken.',
      instance: '/x',
    })
    assert.equal(seen.length, 1)
    assert.ok(seen[0] instanceof HttpError)
    assert.equal(seen[0].status, 409)
    assert.equal(seen[0].code, 'DUPLICATE')
    assert.equal(seen[0].message, 'Taken.')
  })

  test('sees an unexpected error as a 500 HttpError whose cause is the original', async () => {
    const original = new Error('db down')
    let seen: HttpError | undefined
    const app = saker({ logger: false })
    app.addHook('onError', (_ctx, error) => {
      seen = error
    })
    app.get('/x', {}, () => {
      throw original
    })

    const res = await inject(app, '/x')
    assert.equal(res.statusCode, 500)
    assert.ok(seen instanceof HttpError)
    assert.equal(seen.status, 500)
    assert.equal(seen.cause, original)
  })

  test('can replace the problem with its own reply', async () => {
    const app = saker({ logger: false })
    app.addHook('onError', async (ctx, error) => {
      await sleep(1)
      ctx.header('x-handled', 'yes')
      return ctx.json({ message: error.message, kind: error.code }, 418)
    })
    app.get('/x', {}, () => {
      throw new HttpError(409, 'Taken.')
    })

    const res = await inject(app, '/x')
    assert.equal(res.statusCode, 418)
    assert.equal(res.headers['content-type'], 'application/json')
    assert.equal(res.headers['x-handled'], 'yes')
    assert.equal(res.headers['content-length'], String(Buffer.byteLength(res.payload)))
    assert.deepEqual(res.json(), { message: 'Taken.', kind: 'CONFLICT' })
  })

  test('a reply without a status keeps the status of the error', { timeout: 5000 }, async () => {
    // docs/lifecycle.md: "An onError hook may set its own reply instead (ctx.json(...), ctx.text(...))"
    const app = saker({ logger: false })
    app.addHook('onError', (ctx: Context) => ctx.text('Nothing here.'))
    app.get('/x', {}, () => {
      throw new HttpError(404, 'No x.')
    })

    const res = await within(1000, inject(app, '/x'))
    assert.equal(res.statusCode, 404)
    assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8')
    assert.equal(res.payload, 'Nothing here.')
  })

  test('an onError hook that throws is skipped: the problem is still sent', async () => {
    const app = saker({ logger: false })
    app.addHook('onError', () => {
      throw new Error('onError broke')
    })
    app.get('/x', {}, () => {
      throw new HttpError(409, 'Taken.')
    })

    const res = await inject(app, '/x')
    assert.equal(res.statusCode, 409)
    assert.equal(res.headers['content-type'], 'application/problem+json')
    assert.deepEqual(res.json(), {
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
      code: 'CONFLICT',
      detail: 'Taken.',
      instance: '/x',
    })
  })

  test('runs for a 404, and can replace it', async () => {
    const seen: Array<[number, string]> = []
    const app = saker({ logger: false })
    app.addHook('onError', (ctx, error) => {
      seen.push([error.status, error.message])
      if (ctx.path.startsWith('/legacy/')) ctx.json({ gone: ctx.path }, 410)
    })
    app.get('/x', {}, () => ({}))

    const res = await inject(app, '/nope')
    assert.equal(res.statusCode, 404)
    assert.deepEqual(res.json(), {
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      code: 'NOT_FOUND',
      detail: 'No route matches /nope.',
      instance: '/nope',
    })

    const legacy = await inject(app, '/legacy/page')
    assert.equal(legacy.statusCode, 410)
    assert.deepEqual(legacy.json(), { gone: '/legacy/page' })
    assert.deepEqual(seen, [
      [404, 'No route matches /nope.'],
      [404, 'No route matches /legacy/page.'],
    ])
  })
})

describe('app hooks and middleware outside routes', () => {
  function tracedApp(calls: string[]) {
    const app = saker({ logger: false })
    app.addHook('onRequest', (ctx) => void calls.push(`onRequest ${ctx.method} ${ctx.path}`))
    app.use(async (ctx, next) => {
      calls.push('middleware before')
      ctx.header('x-traced', 'yes')
      await next()
      calls.push('middleware after')
    })
    app.addHook('onSend', () => void calls.push('onSend'))
    app.addHook('onError', (_ctx, error) => void calls.push(`onError ${error.status}`))
    app.addHook('onResponse', (ctx) => void calls.push(`onResponse ${ctx.res.statusCode}`))
    app.get('/members', {}, () => [])
    return app
  }

  test('run for a 404', async () => {
    const calls: string[] = []
    const res = await inject(tracedApp(calls), '/nope')
    await settled()
    assert.equal(res.statusCode, 404)
    assert.equal(res.headers['x-traced'], 'yes')
    // the 404 is thrown inside the chain: middleware never gets past next(), onError answers
    assert.deepEqual(calls, ['onRequest GET /nope', 'middleware before', 'onError 404', 'onResponse 404'])
  })

  test('run for a 405', async () => {
    const calls: string[] = []
    const res = await inject(tracedApp(calls), { method: 'DELETE', url: '/members' })
    await settled()
    assert.equal(res.statusCode, 405)
    assert.equal(res.headers.allow, 'GET, HEAD, OPTIONS')
    assert.equal(res.headers['x-traced'], 'yes')
    assert.deepEqual(calls, [
      'onRequest DELETE /members',
      'middleware before',
      'onError 405',
      'onResponse 405',
    ])
  })

  test('run for an automatic OPTIONS answer', async () => {
    const calls: string[] = []
    const res = await inject(tracedApp(calls), { method: 'OPTIONS', url: '/members' })
    await settled()
    assert.equal(res.statusCode, 204)
    assert.equal(res.headers.allow, 'GET, HEAD, OPTIONS')
    assert.equal(res.headers['x-traced'], 'yes')
    assert.deepEqual(calls, [
      'onRequest OPTIONS /members',
      'middleware before',
      'middleware after',
      'onSend',
      'onResponse 204',
    ])
  })
})
