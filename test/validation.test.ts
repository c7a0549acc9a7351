import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type FieldError, saker, t } from 'saker'
import { inject } from 'saker/testing'

const PROBLEM = 'application/problem+json'

/** The 422 body, exactly: `instance` is the request target as sent. */
function invalid(instance: string, errors: FieldError[]) {
  return {
    type: 'about:blank',
    title: 'Unprocessable Entity',
    status: 422,
    code: 'VALIDATION_FAILED',
    detail: 'The request has invalid values; see errors.',
    instance,
    errors,
  }
}

async function get(app: ReturnType<typeof saker>, url: string, headers: Record<string, string> = {}) {
  return inject(app, { method: 'GET', url, headers })
}

async function expect422(
  res: Awaited<ReturnType<typeof inject>>,
  instance: string,
  errors: FieldError[],
): Promise<void> {
  assert.equal(res.statusCode, 422, res.payload)
  assert.equal(res.headers['content-type'], PROBLEM)
  assert.deepEqual(res.json(), invalid(instance, errors))
}

// ---- coercion ----

function coercionApp() {
  const app = saker({ logger: false })
  app.get(
    '/scalars/:id/:ratio',
    {
      params: t.Object({ id: t.Integer(), ratio: t.Number() }),
      query: t.Object({
        n: t.Optional(t.Integer()),
        x: t.Optional(t.Number()),
        flag: t.Optional(t.Boolean()),
        none: t.Optional(t.Null()),
        name: t.Optional(t.String()),
      }),
      headers: t.Object({
        'x-count': t.Optional(t.Integer()),
        'x-debug': t.Optional(t.Boolean()),
        'x-ratio': t.Optional(t.Number()),
      }),
    },
    (ctx) => ({
      params: ctx.params,
      query: ctx.query,
      headers: {
        count: ctx.headers['x-count'],
        debug: ctx.headers['x-debug'],
        ratio: ctx.headers['x-ratio'],
      },
      // The request's own headers stay as received: coercion works on a copy.
      rawCount: ctx.req.headers['x-count'],
    }),
  )
  app.get(
    '/lists',
    {
      query: t.Object({
        tags: t.Optional(t.Array(t.String())),
        ids: t.Optional(t.Array(t.Integer())),
        flags: t.Optional(t.Array(t.Boolean())),
      }),
    },
    (ctx) => ctx.query,
  )
  app.get(
    '/unions',
    {
      query: t.Object({
        limit: t.Optional(t.Union([t.Integer(), t.Literal('all')])),
        since: t.Optional(t.Union([t.Null(), t.Integer()])),
      }),
    },
    (ctx) => ctx.query,
  )
  app.get(
    '/defaults',
    { query: t.Object({ page: t.Integer({ minimum: 1, default: 1 }), sort: t.String({ default: 'name' }) }) },
    (ctx) => ctx.query,
  )
  return app
}

describe('coercion of params, query and headers', () => {
  test('integers and numbers', async () => {
    const res = await get(coercionApp(), '/scalars/42/0.5?n=-7&x=1e3', { 'x-count': '3', 'x-ratio': '-.25' })
    assert.equal(res.statusCode, 200, res.payload)
    assert.deepEqual(res.json(), {
      params: { id: 42, ratio: 0.5 },
      query: { n: -7, x: 1000 },
      headers: { count: 3, ratio: -0.25 },
      rawCount: '3',
    })
  })

  test('booleans from true/false/1/0', async () => {
    const app = coercionApp()
    for (const [text, value] of [
      ['true', true],
      ['false', false],
      ['1', true],
      ['0', false],
    ] as const) {
      const res = await get(app, `/scalars/1/1?flag=${text}`, { 'x-debug': text })
      assert.equal(res.statusCode, 200, text)
      assert.deepEqual(res.json().query, { flag: value }, text)
      assert.deepEqual(res.json().headers, { debug: value }, text)
    }
  })

  test('null from "null" and the empty string', async () => {
    const app = coercionApp()
    for (const url of ['/scalars/1/1?none=null', '/scalars/1/1?none=']) {
      const res = await get(app, url)
      assert.equal(res.statusCode, 200, url)
      assert.deepEqual(res.json().query, { none: null }, url)
    }
  })

  test('a string field keeps a numeric-looking value as a string', async () => {
    const res = await get(coercionApp(), '/scalars/1/1?name=007')
    assert.equal(res.statusCode, 200)
    assert.deepEqual(res.json().query, { name: '007' })
  })

  test('a repeated key for a scalar field keeps the first value', async () => {
    const res = await get(coercionApp(), '/scalars/1/1?n=1&n=2&name=a&name=b')
    assert.equal(res.statusCode, 200)
    assert.deepEqual(res.json().query, { n: 1, name: 'a' })
  })

  test('arrays from repeated keys, and from a single value', async () => {
    const app = coercionApp()
    const repeated = await get(app, '/lists?tags=a&tags=b&ids=1&ids=20&flags=true&flags=0')
    assert.equal(repeated.statusCode, 200)
    assert.deepEqual(repeated.json(), { tags: ['a', 'b'], ids: [1, 20], flags: [true, false] })

    const single = await get(app, '/lists?tags=a&ids=7&flags=1')
    assert.equal(single.statusCode, 200)
    assert.deepEqual(single.json(), { tags: ['a'], ids: [7], flags: [true] })
  })

  test('unions take the member that fits', async () => {
    const app = coercionApp()
    for (const [query, expected] of [
      ['limit=5', { limit: 5 }],
      ['limit=all', { limit: 'all' }],
      ['since=null', { since: null }],
      ['since=12', { since: 12 }],
    ] as const) {
      const res = await get(app, `/unions?${query}`)
      assert.equal(res.statusCode, 200, query)
      assert.deepEqual(res.json(), expected, query)
    }
    await expect422(await get(app, '/unions?limit=some'), '/unions?limit=some', [
      { in: 'query', path: '/limit', message: 'Expected union value' },
    ])
  })

  test('defaults fill missing query fields', async () => {
    const app = coercionApp()
    const res = await get(app, '/defaults')
    assert.equal(res.statusCode, 200)
    assert.deepEqual(res.json(), { page: 1, sort: 'name' })
    assert.deepEqual((await get(app, '/defaults?page=3')).json(), { page: 3, sort: 'name' })
  })

  test('values that do not convert stay strings and fail with 422', async () => {
    const app = coercionApp()
    const url = '/scalars/1.5/abc?n=1.5&x=0x10&flag=yes&none=nil'
    await expect422(await get(app, url, { 'x-count': 'three', 'x-debug': 'on', 'x-ratio': '' }), url, [
      { in: 'params', path: '/id', message: 'Expected integer' },
      { in: 'params', path: '/ratio', message: 'Expected number' },
      { in: 'query', path: '/n', message: 'Expected integer' },
      { in: 'query', path: '/x', message: 'Expected number' },
      { in: 'query', path: '/flag', message: 'Expected boolean' },
      { in: 'query', path: '/none', message: 'Expected null' },
      { in: 'headers', path: '/x-count', message: 'Expected integer' },
      { in: 'headers', path: '/x-debug', message: 'Expected boolean' },
      { in: 'headers', path: '/x-ratio', message: 'Expected number' },
    ])
  })

  test('an array item that does not convert is reported at its index', async () => {
    await expect422(await get(coercionApp(), '/lists?ids=1&ids=two&ids=3'), '/lists?ids=1&ids=two&ids=3', [
      { in: 'query', path: '/ids/1', message: 'Expected integer' },
    ])
  })
})

// ---- 422 ----

const Address = t.Object({ street: t.String(), zip: t.String({ pattern: '^[0-9]{5}$' }) })
const NewMember = t.Object(
  {
    email: t.String({ format: 'email' }),
    name: t.String({ minLength: 1 }),
    age: t.Optional(t.Integer({ minimum: 0 })),
    address: t.Optional(Address),
    tags: t.Optional(t.Array(t.String())),
  },
  { additionalProperties: false },
)

function membersApp() {
  const app = saker({ logger: false })
  app.post(
    '/orgs/:org/members',
    {
      params: t.Object({ org: t.Integer({ minimum: 1 }) }),
      query: t.Object({ notify: t.Optional(t.Boolean()), page: t.Integer({ minimum: 1 }) }),
      headers: t.Object({ 'x-api-version': t.Integer(), 'x-tenant': t.String({ format: 'uuid' }) }),
      body: NewMember,
    },
    (ctx) => ctx.json({ org: ctx.params.org, member: ctx.body }, 201),
  )
  app.post('/members', { body: NewMember }, (ctx) => ctx.json(ctx.body, 201))
  app.put(
    '/events/:id',
    {
      params: t.Object({ id: t.String({ format: 'uuid' }) }),
      body: t.Object({
        at: t.String({ format: 'date-time' }),
        day: t.Optional(t.String({ format: 'date' })),
      }),
    },
    (ctx) => ({ id: ctx.params.id, ...ctx.body }),
  )
  app.get(
    '/search',
    { query: t.Object({ q: t.String() }, { additionalProperties: false }) },
    (ctx) => ctx.query,
  )
  return app
}

const TENANT = '6f1c1f62-3b9c-4c1e-9d43-1b2f3f1d2a11'
const ADA = { email: 'ada@example.com', name: 'Ada' }

describe('422 lists every failing field', () => {
  test('a valid request passes every part', async () => {
    const res = await inject(membersApp(), {
      method: 'POST',
      url: '/orgs/7/members?page=1&notify=true',
      headers: { 'x-api-version': '2', 'x-tenant': TENANT },
      payload: { ...ADA, age: 36, address: { street: 'St James', zip: '12345' }, tags: ['a'] },
    })
    assert.equal(res.statusCode, 201, res.payload)
    assert.deepEqual(res.json(), {
      org: 7,
      member: { ...ADA, age: 36, address: { street: 'St James', zip: '12345' }, tags: ['a'] },
    })
  })

  test('across params, query, headers and body, with JSON pointers', async () => {
    const url = '/orgs/abc/members?notify=maybe&page=0'
    const res = await inject(membersApp(), {
      method: 'POST',
      url,
      headers: { 'x-api-version': 'two' },
      payload: {
        email: 'not-an-email',
        age: -1,
        address: { street: 'St James', zip: 123 },
        tags: ['a', 2, 'c', false],
        nickname: 'Ada',
      },
    })
    await expect422(res, url, [
      { in: 'params', path: '/org', message: 'Expected integer' },
      { in: 'query', path: '/notify', message: 'Expected boolean' },
      { in: 'query', path: '/page', message: 'Expected integer to be greater or equal to 1' },
      { in: 'headers', path: '/x-tenant', message: 'Expected required property' },
      { in: 'headers', path: '/x-api-version', message: 'Expected integer' },
      { in: 'body', path: '/name', message: 'Expected required property' },
      { in: 'body', path: '/nickname', message: 'Unexpected property' },
      { in: 'body', path: '/email', message: "Expected string to match 'email' format" },
      { in: 'body', path: '/age', message: 'Expected integer to be greater or equal to 0' },
      { in: 'body', path: '/address/zip', message: 'Expected string' },
      { in: 'body', path: '/tags/1', message: 'Expected string' },
      { in: 'body', path: '/tags/3', message: 'Expected string' },
    ])
  })

  test('a missing body on a route with a body schema is 422 at path ""', async () => {
    const res = await inject(membersApp(), { method: 'POST', url: '/members' })
    await expect422(res, '/members', [{ in: 'body', path: '', message: 'Expected object' }])
  })

  test('a body of the wrong type is 422 at path ""', async () => {
    for (const payload of ['[]', '"ada"', 'null', '42']) {
      const res = await inject(membersApp(), {
        method: 'POST',
        url: '/members',
        headers: { 'content-type': 'application/json' },
        payload,
      })
      await expect422(res, '/members', [{ in: 'body', path: '', message: 'Expected object' }])
    }
  })

  test('additionalProperties: false names every extra field', async () => {
    const res = await inject(membersApp(), {
      method: 'POST',
      url: '/members',
      payload: { ...ADA, role: 'admin', isAdmin: true },
    })
    await expect422(res, '/members', [
      { in: 'body', path: '/role', message: 'Unexpected property' },
      { in: 'body', path: '/isAdmin', message: 'Unexpected property' },
    ])
    await expect422(await get(membersApp(), '/search?q=a&debug=1'), '/search?q=a&debug=1', [
      { in: 'query', path: '/debug', message: 'Unexpected property' },
    ])
  })

  test('nested objects and array items have their own paths', async () => {
    const res = await inject(membersApp(), {
      method: 'POST',
      url: '/members',
      payload: { ...ADA, address: { zip: '1234x' }, tags: ['ok', { no: 1 }] },
    })
    await expect422(res, '/members', [
      { in: 'body', path: '/address/street', message: 'Expected required property' },
      { in: 'body', path: '/address/zip', message: "Expected string to match '^[0-9]{5}$'" },
      { in: 'body', path: '/tags/1', message: 'Expected string' },
    ])
  })

  test('JSON pointers escape "~" and "/" in names (RFC 6901)', async () => {
    const app = saker({ logger: false })
    app.post('/odd', { body: t.Object({ 'a/b': t.String(), 'c~d': t.String() }) }, (ctx) => ctx.body)
    const res = await inject(app, { method: 'POST', url: '/odd', payload: { 'a/b': 1, 'c~d': 2 } })
    await expect422(res, '/odd', [
      { in: 'body', path: '/a~1b', message: 'Expected string' },
      { in: 'body', path: '/c~0d', message: 'Expected string' },
    ])
  })
})

// ---- formats ----

describe('formats', () => {
  const EVENT = '/events/6f1c1f62-3b9c-4c1e-9d43-1b2f3f1d2a11'

  test('accepts valid email, uuid, date-time and date values', async () => {
    const app = membersApp()
    for (const email of ['ada@example.com', 'a.b+c@sub.example.co.uk', "o'brien@x.io"]) {
      const res = await inject(app, { method: 'POST', url: '/members', payload: { email, name: 'A' } })
      assert.equal(res.statusCode, 201, email)
    }
    for (const at of ['2024-02-29T10:00:00Z', '2024-01-01T00:00:00.123+02:00', '2024-12-31t23:59:59z']) {
      const res = await inject(app, { method: 'PUT', url: EVENT, payload: { at, day: '2024-02-29' } })
      assert.equal(res.statusCode, 200, at)
      assert.deepEqual(res.json(), { id: EVENT.slice(8), at, day: '2024-02-29' })
    }
  })

  test('refuses malformed emails', async () => {
    const app = membersApp()
    for (const email of ['not-an-email', 'a@', '@example.com', 'a b@example.com', 'a@exa mple.com', '']) {
      const res = await inject(app, { method: 'POST', url: '/members', payload: { email, name: 'A' } })
      await expect422(res, '/members', [
        { in: 'body', path: '/email', message: "Expected string to match 'email' format" },
      ])
    }
  })

  test('refuses malformed uuids', async () => {
    const app = membersApp()
    for (const id of [
      '123',
      '6f1c1f62-3b9c-4c1e-9d43-1b2f3f1d2a1',
      '6f1c1f62-3b9c-4c1e-9d43-1b2f3f1d2a1z',
      '6f1c1f623b9c4c1e9d431b2f3f1d2a11',
    ]) {
      const url = `/events/${id}`
      const res = await inject(app, { method: 'PUT', url, payload: { at: '2024-01-01T00:00:00Z' } })
      await expect422(res, url, [
        { in: 'params', path: '/id', message: "Expected string to match 'uuid' format" },
      ])
    }
  })

  test('refuses malformed date-times and dates', async () => {
    const app = membersApp()
    for (const at of [
      '2024-01-01',
      '2024-01-01T00:00:00',
      '2024-01-01 00:00',
      'yesterday',
      '2024-13-01T00:00:00Z',
    ]) {
      const res = await inject(app, { method: 'PUT', url: EVENT, payload: { at } })
      await expect422(res, EVENT, [
        { in: 'body', path: '/at', message: "Expected string to match 'date-time' format" },
      ])
    }
    for (const day of ['2024-02-30', '2023-02-29', '2024-1-01', '20240101']) {
      const res = await inject(app, {
        method: 'PUT',
        url: EVENT,
        payload: { at: '2024-01-01T00:00:00Z', day },
      })
      await expect422(res, EVENT, [
        { in: 'body', path: '/day', message: "Expected string to match 'date' format" },
      ])
    }
  })

  // BUG: the date-time check in src/schema/formats.ts is a regex plus Date.parse, and V8's
  // Date.parse rolls impossible days over (2024-02-30 becomes March 1) and takes hour 24, while the
  // `date` format rejects the same day. RFC 3339 §5.7 requires a real calendar date and hour 00-23.
  // Fix: run isDate() on the date part and check the hour/minute ranges.
  test('refuses date-times on impossible calendar days and hours', async () => {
    const app = membersApp()
    for (const at of [
      '2024-02-30T10:00:00Z',
      '2023-02-29T10:00:00Z',
      '2024-04-31T10:00:00Z',
      '2024-01-01T24:00:00Z',
    ]) {
      const res = await inject(app, { method: 'PUT', url: EVENT, payload: { at } })
      await expect422(res, EVENT, [
        { in: 'body', path: '/at', message: "Expected string to match 'date-time' format" },
      ])
    }
  })
})

describe('unions of objects and arrays', () => {
  // A body that may be one item or a list: the errors name the failing item's fields, not just
  // "Expected union value".
  const Item = t.Object({ name: t.String(), count: t.Integer() }, { additionalProperties: false })
  const app = saker({ logger: false, openapi: false })
  app.post('/items', { body: t.Union([Item, t.Array(Item)]) }, (ctx) => ({ got: ctx.body }))

  test('a list reports the fields of the items that fail', async () => {
    const res = await inject(app, {
      method: 'POST',
      url: '/items',
      payload: [{ name: 'a', count: 1 }, { name: 'b', count: 'x' }, { count: 2 }],
    })
    assert.equal(res.statusCode, 422)
    assert.deepEqual(res.json().errors, [
      { in: 'body', path: '/1/count', message: 'Expected integer' },
      { in: 'body', path: '/2/name', message: 'Expected required property' },
    ])
  })

  test('one object reports its own fields', async () => {
    const res = await inject(app, { method: 'POST', url: '/items', payload: { name: 'a', extra: true } })
    assert.equal(res.statusCode, 422)
    assert.deepEqual(res.json().errors, [
      { in: 'body', path: '/count', message: 'Expected required property' },
      { in: 'body', path: '/extra', message: 'Unexpected property' },
    ])
  })

  test('a value of neither shape keeps the union message', async () => {
    const res = await inject(app, {
      method: 'POST',
      url: '/items',
      payload: '"text"',
      headers: { 'content-type': 'application/json' },
    })
    assert.deepEqual(res.json().errors, [{ in: 'body', path: '', message: 'Expected union value' }])
  })
})
