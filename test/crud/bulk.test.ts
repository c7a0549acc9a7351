import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { saker, t } from 'saker'
import { crud, type Database } from 'saker/crud'
import { serve, type TestServer } from 'saker/testing'
import { forEachDatabase } from '../helpers/databases.ts'
import { createTables, tablesFor } from '../helpers/schema/index.ts'

const member = (name: string) => ({ first_name: name, last_name: name, email: `${name}@example.com` })

forEachDatabase('crud bulk create', (target) => {
  let db: Database
  let server: TestServer

  before(async () => {
    db = await target.connect()
    await createTables(db)
    const { members } = tablesFor(db)
    const app = saker({ logger: false })
    app.mount(
      '/members',
      crud(db, members, {
        bulk: { create: true, max: 3 },
        validate: { email: t.String({ format: 'email' }) },
      }),
    )
    app.mount('/single', crud(db, members, { name: 'SingleMember' }))
    app.mount('/many', crud(db, members, { name: 'ManyMember', bulk: { update: true, delete: true } }))
    server = await serve(app)
  })
  after(async () => {
    await server?.close()
    await db?.close()
  })

  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    })
    return {
      status: res.status,
      body: (await res.json()) as { code?: string; errors: Array<{ path: string }> },
    }
  }
  const total = async () => {
    const res = await fetch(`${server.url}/members`, { signal: AbortSignal.timeout(5000) })
    return ((await res.json()) as { num_results: number }).num_results
  }

  it('an array creates every row in one request: 201 with the rows', async () => {
    const res = await post('/members', [member('a'), member('b')])
    assert.equal(res.status, 201)
    assert.deepEqual(res.body, {
      num_created: 2,
      objects: [
        { id: 1, ...member('a') },
        { id: 2, ...member('b') },
      ],
    })
    // One object still creates one row, as before.
    const one = await post('/members', member('c'))
    assert.deepEqual(one.body, { id: 3, ...member('c') })
  })

  it('validation errors name the item; nothing is written', async () => {
    const res = await post('/members', [member('d'), { ...member('e'), email: 'nope' }, { first_name: 'f' }])
    assert.equal(res.status, 422)
    assert.deepEqual(res.body.errors.map((error: { path: string }) => error.path).sort(), [
      '/1/email',
      '/2/email',
      '/2/last_name',
    ])
    assert.equal(await total(), 3)
  })

  it('a duplicate inside the batch is 409 and nothing is written (all or nothing)', async () => {
    const res = await post('/members', [member('g'), member('a')])
    assert.equal(res.status, 409)
    assert.equal(res.body.code, 'UNIQUE_VIOLATION')
    assert.equal(await total(), 3)
  })

  it('more items than max, or an empty array, is 422; without bulk an array is 422', async () => {
    assert.equal((await post('/members', [member('h'), member('i'), member('j'), member('k')])).status, 422)
    assert.equal((await post('/members', [])).status, 422)
    assert.equal((await post('/single', [member('l')])).status, 422)
    assert.equal(await total(), 3)
  })

  const send = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    })
    return { status: res.status, body: (await res.json()) as Record<string, unknown> }
  }

  it('PATCH and DELETE by filter change every matching row and answer the count', async () => {
    const patched = await send('PATCH', '/many?id[in]=1,2', { last_name: 'Same' })
    assert.equal(patched.status, 200)
    assert.deepEqual(patched.body, { num_modified: 2 })
    const same = await fetch(`${server.url}/members?last_name=Same&fields=id`, {
      signal: AbortSignal.timeout(5000),
    })
    assert.deepEqual(((await same.json()) as { objects: unknown[] }).objects, [{ id: 1 }, { id: 2 }])
    assert.deepEqual((await send('DELETE', '/many?last_name=Same')).body, { num_deleted: 2 })
    assert.equal(await total(), 1)
    assert.deepEqual((await send('DELETE', '/many?last_name=Nobody')).body, { num_deleted: 0 })
  })

  it('without a filter it is 400; without the option the methods are 405', async () => {
    const res = await send('DELETE', '/many')
    assert.equal(res.status, 400)
    assert.equal(res.body.code, 'FILTER_REQUIRED')
    assert.equal((await send('PATCH', '/many', { last_name: 'x' })).status, 400)
    assert.equal((await send('DELETE', '/single?id=3')).status, 405)
    assert.equal(await total(), 1)
  })
})
