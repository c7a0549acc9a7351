import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type Context, HttpError, type Middleware, operation, type Resource, saker, t } from 'saker'
import { inject } from 'saker/testing'

const Member = t.Object({ id: t.Integer(), email: t.String() })

/** A Falcon-style resource: plain methods (bound `this`) next to operation()s with schemas. */
class MemberResource {
  readonly rows = new Map<number, { id: number; email: string; password: string }>([
    [1, { id: 1, email: 'ada@example.com', password: 'hash' }],
  ])

  onGet = operation({ params: t.Object({ id: t.Integer() }), response: { 200: Member } }, (ctx) => {
    const row = this.rows.get(ctx.params.id)
    if (!row) throw new HttpError(404, `No member ${ctx.params.id}.`)
    return row
  })

  onPut = operation(
    {
      params: t.Object({ id: t.Integer() }),
      body: t.Object({ email: t.String() }),
      response: { 200: Member },
    },
    (ctx) => {
      const row = { id: ctx.params.id, email: ctx.body.email, password: 'new' }
      this.rows.set(row.id, row)
      return row
    },
  )

  // a plain method on the prototype: `this` must still be the instance
  onDelete(ctx: Context) {
    const id = Number((ctx.params as { id: string }).id)
    if (!this.rows.delete(id)) throw new HttpError(404, `No member ${id}.`)
    return undefined
  }
}

describe('class resources', () => {
  test('plain methods run with `this` bound to the instance', async () => {
    const app = saker({ logger: false })
    const resource = new MemberResource()
    app.route('/members/:id', resource)

    const res = await inject(app, { method: 'DELETE', url: '/members/1' })
    assert.equal(res.statusCode, 204)
    assert.equal(res.payload, '')
    assert.equal(resource.rows.size, 0)

    const again = await inject(app, { method: 'DELETE', url: '/members/1' })
    assert.equal(again.statusCode, 404)
    assert.deepEqual(again.json(), {
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      code: 'NOT_FOUND',
      detail: 'No member 1.',
      instance: '/members/1',
    })
  })

  test('operation() responders validate with their schemas and serialize through the response schema', async () => {
    const app = saker({ logger: false })
    app.route('/members/:id', new MemberResource())

    const get = await inject(app, '/members/1')
    assert.equal(get.statusCode, 200)
    // password is not in the 200 schema: it never leaks
    assert.deepEqual(get.json(), { id: 1, email: 'ada@example.com' })

    const put = await inject(app, {
      method: 'PUT',
      url: '/members/2',
      payload: { email: 'grace@example.com' },
    })
    assert.equal(put.statusCode, 200)
    assert.deepEqual(put.json(), { id: 2, email: 'grace@example.com' })

    const bad = await inject(app, { method: 'PUT', url: '/members/x', payload: { email: 5 } })
    assert.equal(bad.statusCode, 422)
    assert.equal(bad.headers['content-type'], 'application/problem+json')
    assert.deepEqual(bad.json(), {
      type: 'about:blank',
      title: 'Unprocessable Entity',
      status: 422,
      code: 'VALIDATION_FAILED',
      detail: 'The request has invalid values; see errors.',
      instance: '/members/x',
      errors: [
        { in: 'params', path: '/id', message: 'Expected integer' },
        { in: 'body', path: '/email', message: 'Expected string' },
      ],
    })
  })

  test('a method the resource does not map is a 405 whose Allow lists only its responders', async () => {
    const app = saker({ logger: false })
    app.route('/members/:id', new MemberResource())

    const res = await inject(app, { method: 'POST', url: '/members/1' })
    assert.equal(res.statusCode, 405)
    assert.equal(res.headers['content-type'], 'application/problem+json')
    // onGet, onPut, onDelete; HEAD comes with GET and OPTIONS is always answered
    assert.equal(res.headers.allow, 'DELETE, GET, HEAD, OPTIONS, PUT')
    assert.deepEqual(res.json(), {
      type: 'about:blank',
      title: 'Method Not Allowed',
      status: 405,
      code: 'METHOD_NOT_ALLOWED',
      detail: 'This resource does not support the method; use one of: DELETE, GET, HEAD, OPTIONS, PUT.',
      instance: '/members/1',
    })
    assert.equal((await inject(app, { method: 'PATCH', url: '/members/1' })).statusCode, 405)

    const options = await inject(app, { method: 'OPTIONS', url: '/members/1' })
    assert.equal(options.statusCode, 204)
    assert.equal(options.headers.allow, 'DELETE, GET, HEAD, OPTIONS, PUT')
  })

  test('an onOptions responder replaces the automatic OPTIONS answer', async () => {
    const app = saker({ logger: false })
    app.route('/ping', {
      onGet: () => ({ pong: true }),
      onOptions: (ctx: Context) => ctx.text('custom options'),
    })

    const res = await inject(app, { method: 'OPTIONS', url: '/ping' })
    assert.equal(res.statusCode, 200)
    assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8')
    assert.equal(res.payload, 'custom options')
  })

  test('a resource without any responder throws at registration', () => {
    const app = saker({ logger: false })
    class Empty {
      onFetch() {
        return {}
      }
    }
    assert.throws(() => app.route('/empty', new Empty()), {
      name: 'TypeError',
      message: 'The resource at /empty has no responder (onGet, onPost, onPut, onPatch, onDelete, onOptions)',
    })
  })

  test('a responder that is neither a method nor an operation() throws at registration', () => {
    const app = saker({ logger: false })
    assert.throws(
      () => app.route('/bad', { onGet: { options: {}, handler: () => ({}) } } as unknown as Resource),
      {
        name: 'TypeError',
        message: 'onGet of the resource at /bad must be a method or an operation()',
      },
    )
  })
})

describe('shared options of app.route()', () => {
  const tag =
    (name: string): Middleware =>
    async (ctx, next) => {
      const seen = (ctx.state.seen as string[] | undefined) ?? []
      ctx.state.seen = [...seen, name]
      await next()
    }

  class Tagged {
    onGet(ctx: Context) {
      return { seen: ctx.state.seen }
    }
    onPost = operation({ middleware: [tag('own')], tags: ['writes'] }, (ctx) =>
      ctx.json({ seen: ctx.state.seen }, 201),
    )
  }

  test('shared middleware runs for every responder, before an operation’s own', async () => {
    const app = saker({ logger: false })
    app.route('/tagged', new Tagged(), { middleware: [tag('shared')] })

    const get = await inject(app, '/tagged')
    assert.equal(get.statusCode, 200)
    assert.deepEqual(get.json(), { seen: ['shared'] })

    const post = await inject(app, { method: 'POST', url: '/tagged' })
    assert.equal(post.statusCode, 201)
    assert.deepEqual(post.json(), { seen: ['shared', 'own'] })
  })

  test('shared tags reach the OpenAPI document; an operation’s own tags replace them', async () => {
    const app = saker({ logger: false })
    app.route('/tagged', new Tagged(), { tags: ['members'] })

    const res = await inject(app, '/openapi.json')
    assert.equal(res.statusCode, 200)
    const path = res.json().paths['/tagged']
    assert.deepEqual(path.get.tags, ['members'])
    assert.deepEqual(path.post.tags, ['writes'])
  })

  test('shared hooks still run when an operation has hooks of its own', async () => {
    const app = saker({ logger: false })
    const calls: string[] = []
    app.route(
      '/hooked',
      {
        onGet: operation({ hooks: { preHandler: () => void calls.push('own preHandler') } }, () => ({
          ok: true,
        })),
      },
      { hooks: { onRequest: () => void calls.push('shared onRequest') } },
    )

    const res = await inject(app, '/hooked')
    assert.equal(res.statusCode, 200)
    assert.deepEqual(calls, ['shared onRequest', 'own preHandler'])
  })
})
