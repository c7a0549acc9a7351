import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { eq } from 'drizzle-orm'
import { saker, t } from 'saker'
import { crud, type Database } from 'saker/crud'
import { serve, type TestServer } from 'saker/testing'
import { forEachDatabase } from '../helpers/databases.ts'
import { createTables, tablesFor } from '../helpers/schema/index.ts'

const ADA = { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' }
const GRACE = { first_name: 'Grace', last_name: 'Hopper', email: 'grace@example.com' }
const ALAN = { first_name: 'Alan', last_name: 'Turing', email: 'alan@example.com' }
const MEMBERS = '/api/v1/members'

function problem(status: number, title: string, code: string, detail: string, instance: string, extra = {}) {
  return { type: 'about:blank', title, status, code, detail, instance, ...extra }
}

forEachDatabase('crud(members)', (target) => {
  let db: Database
  let server: TestServer
  const calls: string[] = []

  before(async () => {
    db = await target.connect()
    await createTables(db)
    const { members, subscriptions } = tablesFor(db)
    const app = saker({ logger: false })
    app.mount(
      MEMBERS,
      crud(db, members, {
        validate: { email: t.String({ format: 'email', maxLength: 254 }) },
        maxPageSize: 2,
        hooks: {
          beforeCreate: (_ctx, data) => {
            calls.push(`beforeCreate ${data.email}`)
            return { ...data, last_name: String(data.last_name).trim() }
          },
          afterDelete: (ctx) => {
            calls.push(`afterDelete ${ctx.params.id}`)
          },
        },
      }),
    )
    // A read-only view of the same table, without emails, to show field selection and methods.
    app.mount(
      '/api/v2/members',
      crud(db, members, { methods: ['GET'], read: { exclude: ['email'] }, name: 'MemberSummary' }),
    )
    // Only the member whose id is in x-member may be seen or changed: others are 404, not 403.
    app.mount(
      '/api/mine/members',
      crud(db, members, {
        name: 'MyMember',
        scope: (ctx) => eq(members.id, Number(ctx.headers['x-member'] ?? 0)),
        access: { delete: (ctx) => ctx.headers['x-admin'] === 'yes' },
      }),
    )
    app.mount('/api/v1/subscriptions', crud(db, subscriptions, { readOnly: ['created_at'] }))
    server = await serve(app)
  })
  after(async () => {
    await server?.close()
    await db?.close()
  })

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    })
    const text = await res.text()
    return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) }
  }

  it('creates rows: 201, Location and the row; the beforeCreate hook may change the data', async () => {
    const ada = await call('POST', MEMBERS, { ...ADA, last_name: ' Lovelace ' })
    assert.equal(ada.status, 201)
    assert.deepEqual(ada.body, { id: 1, ...ADA })
    assert.equal(ada.headers.get('location'), `${MEMBERS}/1`)
    assert.equal((await call('POST', MEMBERS, GRACE)).status, 201)
    assert.equal((await call('POST', MEMBERS, ALAN)).status, 201)
    assert.deepEqual(calls.slice(0, 3), [
      'beforeCreate ada@example.com',
      'beforeCreate grace@example.com',
      'beforeCreate alan@example.com',
    ])
  })

  it('a duplicate email is 409 naming the field, and nothing is written', async () => {
    const res = await call('POST', MEMBERS, { ...GRACE, first_name: 'G' })
    assert.equal(res.status, 409)
    assert.equal(res.headers.get('content-type'), 'application/problem+json')
    assert.equal(res.body.code, 'UNIQUE_VIOLATION')
    assert.deepEqual(res.body.errors, [{ in: 'body', path: '/email', message: 'is already taken' }])
    assert.equal((await call('GET', MEMBERS)).body.num_results, 3)
  })

  it('validation: bad email, unknown field and a read-only id are 422 with field paths', async () => {
    const res = await call('POST', MEMBERS, { ...ADA, email: 'nope', id: 9, nickname: 'x' })
    assert.equal(res.status, 422)
    assert.deepEqual(
      res.body.errors.map((error: { in: string; path: string }) => `${error.in} ${error.path}`).sort(),
      ['body /email', 'body /id', 'body /nickname'],
    )
    const missing = await call('POST', MEMBERS, { first_name: 'A' })
    assert.equal(missing.status, 422)
    assert.deepEqual(missing.body.errors.map((error: { path: string }) => error.path).sort(), [
      '/email',
      '/last_name',
    ])
  })

  it('lists a page in the envelope, with Link, capped at maxPageSize', async () => {
    const res = await call('GET', `${MEMBERS}?page=1&results_per_page=50`)
    assert.equal(res.status, 200)
    assert.deepEqual(res.body, {
      num_results: 3,
      page: 1,
      total_pages: 2,
      objects: [
        { id: 1, ...ADA },
        { id: 2, ...GRACE },
      ],
    })
    assert.equal(
      res.headers.get('link'),
      `<${MEMBERS}?page=1&results_per_page=50>; rel="first", <${MEMBERS}?page=2&results_per_page=50>; rel="next", <${MEMBERS}?page=2&results_per_page=50>; rel="last"`,
    )
    const second = await call('GET', `${MEMBERS}?page=2`)
    assert.deepEqual(second.body.objects, [{ id: 3, ...ALAN }])
    // The links keep the other parameters where they were, written as URLSearchParams writes them:
    // empty parts go; an encoded or bracketed one is encoded once.
    const gaps = await call('GET', `${MEMBERS}?results_per_page=2&&page=2&`)
    assert.equal(
      gaps.headers.get('link'),
      `<${MEMBERS}?results_per_page=2&page=1>; rel="first", <${MEMBERS}?results_per_page=2&page=1>; rel="prev", <${MEMBERS}?results_per_page=2&page=2>; rel="last"`,
    )
    const encoded = await call('GET', `${MEMBERS}?last_name[like]=%25o%25&page=1&fields=id,email`)
    assert.equal(
      encoded.headers.get('link'),
      `<${MEMBERS}?last_name%5Blike%5D=%25o%25&page=1&fields=id%2Cemail>; rel="first", <${MEMBERS}?last_name%5Blike%5D=%25o%25&page=1&fields=id%2Cemail>; rel="last"`,
    )
    // Past the last page no row carries the count, and it is still exact.
    const past = await call('GET', `${MEMBERS}?page=5`)
    assert.equal(past.status, 200)
    assert.deepEqual(past.body, { num_results: 3, page: 5, total_pages: 2, objects: [] })
    const none = await call('GET', `${MEMBERS}?last_name=Nobody`)
    assert.deepEqual(none.body, { num_results: 0, page: 1, total_pages: 0, objects: [] })
  })

  it('filters, sorts and selects fields in the short form and in q', async () => {
    const short = await call(
      'GET',
      `${MEMBERS}?email[ilike]=%25A%25&id[gte]=2&sort=-last_name&fields=id,email`,
    )
    assert.equal(short.status, 200, JSON.stringify(short.body))
    assert.deepEqual(short.body.objects, [
      { id: 3, email: 'alan@example.com' },
      { id: 2, email: 'grace@example.com' },
    ])
    const q = encodeURIComponent(
      JSON.stringify({
        filters: [
          {
            or: [
              { name: 'first_name', op: '==', val: 'Ada' },
              { name: 'id', op: 'ge', val: 3 },
            ],
          },
        ],
        order_by: [{ field: 'id', direction: 'desc' }],
      }),
    )
    const json = await call('GET', `${MEMBERS}?q=${q}`)
    assert.deepEqual(
      json.body.objects.map((row: { id: number }) => row.id),
      [3, 1],
    )
  })

  it('a query shape compiles once and runs with each request’s own values', async () => {
    const ids = async (query: string) => {
      const res = await call('GET', `${MEMBERS}?${query}&fields=id&sort=id`)
      assert.equal(res.status, 200, JSON.stringify(res.body))
      return [res.body.num_results, res.body.objects.map((row: { id: number }) => row.id)]
    }
    // Same shape, other values: the cached statement must not keep the first request's.
    assert.deepEqual(await ids('last_name=Hopper'), [1, [2]])
    assert.deepEqual(await ids('last_name=Turing'), [1, [3]])
    assert.deepEqual(await ids('email[like]=a%25&id[lte]=3'), [2, [1, 3]])
    assert.deepEqual(await ids('email[like]=g%25&id[lte]=3'), [1, [2]])
    // An `in` list of another length is another shape.
    assert.deepEqual(await ids('id[in]=1,3'), [2, [1, 3]])
    assert.deepEqual(await ids('id[in]=2'), [1, [2]])
    assert.deepEqual(await ids('id[in]=1,2,3'), [3, [1, 2]])
    // Scoped reads compile per request, with each request's scope.
    for (const member of ['1', '3']) {
      const mine = await call('GET', `/api/mine/members?fields=id`, undefined, { 'x-member': member })
      assert.deepEqual(mine.body.objects, [{ id: Number(member) }])
    }
    // The item read is compiled at startup: each key finds its own row.
    assert.equal((await call('GET', `${MEMBERS}/3`)).body.email, ALAN.email)
    assert.equal((await call('GET', `${MEMBERS}/1`)).body.email, ADA.email)
  })

  it('a bad query is 400 naming the problem', async () => {
    const res = await call('GET', `${MEMBERS}?nickname=x`)
    assert.equal(res.status, 400)
    assert.equal(res.body.code, 'INVALID_QUERY')
    const op = await call('GET', `${MEMBERS}?id[near]=3`)
    assert.equal(op.status, 400)
    const type = await call('GET', `${MEMBERS}?id=abc`)
    assert.equal(type.status, 400)
    // Hidden columns cannot be filtered on either: v2 does not show emails.
    const hidden = await call('GET', '/api/v2/members?email=ada@example.com')
    assert.equal(hidden.status, 400)
  })

  it('reads one row, and 404 for a missing one', async () => {
    assert.deepEqual((await call('GET', `${MEMBERS}/2`)).body, { id: 2, ...GRACE })
    const missing = await call('GET', `${MEMBERS}/99`)
    assert.equal(missing.status, 404)
    assert.deepEqual(
      missing.body,
      problem(404, 'Not Found', 'NOT_FOUND', 'No members row has the key 99.', `${MEMBERS}/99`),
    )
    assert.equal((await call('GET', `${MEMBERS}/abc`)).status, 422)
  })

  it('PUT replaces, PATCH updates some fields; both 409 on a taken email and 404 when missing', async () => {
    const put = await call('PUT', `${MEMBERS}/3`, { ...ALAN, first_name: 'Alan M.' })
    assert.equal(put.status, 200)
    assert.deepEqual(put.body, { id: 3, ...ALAN, first_name: 'Alan M.' })
    assert.equal((await call('PUT', `${MEMBERS}/3`, { first_name: 'x' })).status, 422)
    const patch = await call('PATCH', `${MEMBERS}/3`, { last_name: 'T.' })
    assert.deepEqual(patch.body, { id: 3, ...ALAN, first_name: 'Alan M.', last_name: 'T.' })
    assert.equal((await call('PATCH', `${MEMBERS}/3`, {})).status, 422)
    const taken = await call('PATCH', `${MEMBERS}/3`, { email: ADA.email })
    assert.equal(taken.status, 409)
    assert.equal(taken.body.code, 'UNIQUE_VIOLATION')
    assert.equal((await call('PATCH', `${MEMBERS}/99`, { last_name: 'x' })).status, 404)
  })

  it('a foreign key to a missing row is 409; created_at is read-only', async () => {
    const bad = await call('POST', '/api/v1/subscriptions', { member_id: 99, list_id: 1 })
    assert.equal(bad.status, 409)
    assert.equal(bad.body.code, 'FOREIGN_KEY_VIOLATION')
    const readOnly = await call('POST', '/api/v1/subscriptions', {
      member_id: 1,
      list_id: 1,
      created_at: '2020-01-01T00:00:00Z',
    })
    assert.equal(readOnly.status, 422)
    assert.deepEqual(
      readOnly.body.errors.map((error: { path: string }) => error.path),
      ['/created_at'],
    )
  })

  it('methods and read fields per mount: v2 is read-only and hides emails', async () => {
    const list = await call('GET', '/api/v2/members?sort=id')
    assert.deepEqual(list.body.objects[0], { id: 1, first_name: 'Ada', last_name: 'Lovelace' })
    const post = await call('POST', '/api/v2/members', ADA)
    assert.equal(post.status, 405)
    assert.equal(post.headers.get('allow'), 'GET, HEAD, OPTIONS')
  })

  it('scope: other members are 404 (never 403); access: delete needs an admin (403)', async () => {
    const mine = await call('GET', '/api/mine/members', undefined, { 'x-member': '2' })
    assert.deepEqual(mine.body.objects, [{ id: 2, ...GRACE }])
    assert.equal((await call('GET', '/api/mine/members/1', undefined, { 'x-member': '2' })).status, 404)
    assert.equal(
      (await call('PATCH', '/api/mine/members/1', { first_name: 'x' }, { 'x-member': '2' })).status,
      404,
    )
    assert.equal(
      (await call('DELETE', '/api/mine/members/1', undefined, { 'x-member': '2', 'x-admin': 'yes' })).status,
      404,
    )
    const refused = await call('DELETE', '/api/mine/members/2', undefined, { 'x-member': '2' })
    assert.equal(refused.status, 403)
    assert.equal(refused.body.code, 'FORBIDDEN')
    assert.deepEqual((await call('GET', `${MEMBERS}/1`)).body, { id: 1, ...ADA })
  })

  it('DELETE is 204, then 404; the afterDelete hook runs', async () => {
    const res = await call('DELETE', `${MEMBERS}/3`)
    assert.equal(res.status, 204)
    assert.equal(res.body, undefined)
    assert.equal((await call('DELETE', `${MEMBERS}/3`)).status, 404)
    assert.ok(calls.includes('afterDelete 3'))
    assert.equal((await call('GET', MEMBERS)).body.num_results, 2)
  })
})
