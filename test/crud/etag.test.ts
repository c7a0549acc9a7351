import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { eq } from 'drizzle-orm'
import { saker } from 'saker'
import { crud, type Database } from 'saker/crud'
import { serve, type TestServer } from 'saker/testing'
import { matches, noneMatch, parseCondition } from '../../src/crud/etag.ts'
import { forEachDatabase } from '../helpers/databases.ts'
import { createTables, tablesFor } from '../helpers/schema/index.ts'

const ADA = { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' }
const GRACE = { first_name: 'Grace', last_name: 'Hopper', email: 'grace@example.com' }
const MEMBERS = '/api/v1/members'
const ETAG = /^"[A-Za-z0-9_-]{27}"$/

describe('conditional headers', () => {
  it('parses *, lists and weak tags', () => {
    assert.equal(parseCondition(undefined), undefined)
    assert.equal(parseCondition(' * '), '*')
    assert.deepEqual(parseCondition('"a", W/"b",  "c,d"'), [
      { weak: false, tag: '"a"' },
      { weak: true, tag: '"b"' },
      { weak: false, tag: '"c,d"' },
    ])
  })

  it('If-None-Match compares weakly, If-Match strongly', () => {
    assert.equal(noneMatch(parseCondition('W/"a"') as never, '"a"'), false)
    assert.equal(noneMatch(parseCondition('"b", "c"') as never, '"a"'), true)
    assert.equal(noneMatch('*', '"a"'), false)
    assert.equal(matches(parseCondition('W/"a"') as never, '"a"'), false)
    assert.equal(matches(parseCondition('"x", "a"') as never, '"a"'), true)
    assert.equal(matches('*', '"a"'), true)
  })
})

forEachDatabase('crud ETags', (target) => {
  let db: Database
  let server: TestServer

  before(async () => {
    db = await target.connect()
    await createTables(db)
    const { members } = tablesFor(db)
    const app = saker({ logger: false })
    app.mount(MEMBERS, crud(db, members))
    // A hook that changes the row between the If-Match check and the write: a concurrent writer.
    let races = 0
    const race = async (id: number) => {
      races += 1
      await db.drizzle
        .update(members)
        .set({ last_name: `Raced ${races}` })
        .where(eq(members.id, id))
    }
    app.mount(
      '/racy/members',
      crud(db, members, {
        name: 'RacyMember',
        hooks: {
          beforeUpdate: async (ctx, data) => {
            await race(Number(ctx.params.id))
            return data
          },
          beforeDelete: async (ctx) => race(Number(ctx.params.id)),
        },
      }),
    )
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
    return {
      status: res.status,
      etag: res.headers.get('etag'),
      headers: res.headers,
      text,
      body: text === '' ? undefined : JSON.parse(text),
    }
  }

  const stale = (id: number) => ({
    type: 'about:blank',
    title: 'Precondition Failed',
    status: 412,
    code: 'PRECONDITION_FAILED',
    detail: `The members row ${id} has changed: If-Match does not match its ETag.`,
    instance: `${MEMBERS}/${id}`,
  })

  it('POST 201 sends the ETag a GET then sends; it is stable', async () => {
    const created = await call('POST', MEMBERS, ADA)
    assert.equal(created.status, 201)
    assert.match(created.etag ?? '', ETAG)
    const first = await call('GET', `${MEMBERS}/1`)
    assert.equal(first.status, 200)
    assert.equal(first.etag, created.etag)
    assert.equal((await call('GET', `${MEMBERS}/1`)).etag, first.etag)
  })

  it('If-None-Match (a list, weak, or *) that matches is 304 with the ETag and no body', async () => {
    const { etag } = await call('GET', `${MEMBERS}/1`)
    for (const header of [etag as string, `"other", W/${etag}`, '*']) {
      const res = await call('GET', `${MEMBERS}/1`, undefined, { 'if-none-match': header })
      assert.equal(res.status, 304, header)
      assert.equal(res.etag, etag)
      assert.equal(res.text, '')
      assert.equal(res.headers.get('content-length'), null)
    }
    const other = await call('GET', `${MEMBERS}/1`, undefined, { 'if-none-match': '"other"' })
    assert.equal(other.status, 200)
    assert.deepEqual(other.body, { id: 1, ...ADA })
  })

  it('after a PATCH the old ETag no longer matches; PATCH sends the new one', async () => {
    const old = (await call('GET', `${MEMBERS}/1`)).etag as string
    const patched = await call('PATCH', `${MEMBERS}/1`, { first_name: 'Augusta Ada' })
    assert.equal(patched.status, 200)
    assert.match(patched.etag ?? '', ETAG)
    assert.notEqual(patched.etag, old)
    const res = await call('GET', `${MEMBERS}/1`, undefined, { 'if-none-match': old })
    assert.equal(res.status, 200)
    assert.equal(res.etag, patched.etag)
    assert.equal(res.body.first_name, 'Augusta Ada')
  })

  it('If-Match with the current ETag writes (PATCH, PUT); a stale one is 412 and writes nothing', async () => {
    const stored = (await call('GET', `${MEMBERS}/1`)).etag as string
    const patched = await call('PATCH', `${MEMBERS}/1`, { first_name: 'Ada' }, { 'if-match': stored })
    assert.equal(patched.status, 200)
    assert.deepEqual(patched.body, { id: 1, ...ADA })
    const refused = await call('PATCH', `${MEMBERS}/1`, { first_name: 'Lost' }, { 'if-match': stored })
    assert.equal(refused.status, 412)
    assert.equal(refused.headers.get('content-type'), 'application/problem+json')
    assert.deepEqual(refused.body, stale(1))
    const put = await call('PUT', `${MEMBERS}/1`, { ...ADA, last_name: 'King' }, { 'if-match': stored })
    assert.deepEqual(put.body, stale(1))
    const replaced = await call(
      'PUT',
      `${MEMBERS}/1`,
      { ...ADA, last_name: 'King' },
      { 'if-match': `"nope", ${patched.etag}` },
    )
    assert.equal(replaced.status, 200)
    assert.notEqual(replaced.etag, patched.etag)
    assert.deepEqual((await call('GET', `${MEMBERS}/1`)).body, { id: 1, ...ADA, last_name: 'King' })
    // A weak tag never matches If-Match (strong comparison); `*` matches any existing row.
    const weak = await call('PATCH', `${MEMBERS}/1`, { last_name: 'x' }, { 'if-match': `W/${replaced.etag}` })
    assert.equal(weak.status, 412)
    const any = await call('PATCH', `${MEMBERS}/1`, { last_name: 'Lovelace' }, { 'if-match': '*' })
    assert.equal(any.status, 200)
  })

  it('If-Match on a missing row is 412 (RFC 9110 §13.1.1); without it 404', async () => {
    const missing = await call('PATCH', `${MEMBERS}/99`, { last_name: 'x' }, { 'if-match': '*' })
    assert.equal(missing.status, 412)
    assert.equal(missing.body.detail, 'No members row has the key 99.')
    assert.equal((await call('DELETE', `${MEMBERS}/99`, undefined, { 'if-match': '"a"' })).status, 412)
    assert.equal((await call('PATCH', `${MEMBERS}/99`, { last_name: 'x' })).status, 404)
  })

  it('DELETE with a stale ETag is 412 and the row stays; with the current one 204', async () => {
    const created = await call('POST', MEMBERS, GRACE)
    const id = created.body.id as number
    await call('PATCH', `${MEMBERS}/${id}`, { first_name: 'Amazing Grace' })
    const refused = await call('DELETE', `${MEMBERS}/${id}`, undefined, {
      'if-match': created.etag as string,
    })
    assert.equal(refused.status, 412)
    assert.deepEqual(refused.body, stale(id))
    const still = await call('GET', `${MEMBERS}/${id}`)
    assert.equal(still.status, 200)
    assert.equal(still.body.first_name, 'Amazing Grace')
    const deleted = await call('DELETE', `${MEMBERS}/${id}`, undefined, { 'if-match': still.etag as string })
    assert.equal(deleted.status, 204)
    assert.equal((await call('GET', `${MEMBERS}/${id}`)).status, 404)
  })

  it('a row changed between the If-Match check and the write is 412, and the change is kept', async () => {
    const created = await call('POST', MEMBERS, { ...GRACE, email: 'race@example.com' })
    const id = created.body.id as number
    const patch = await call(
      'PATCH',
      `/racy/members/${id}`,
      { first_name: 'Lost' },
      { 'if-match': created.etag as string },
    )
    assert.equal(patch.status, 412)
    assert.equal(patch.body.code, 'PRECONDITION_FAILED')
    const now = await call('GET', `${MEMBERS}/${id}`)
    assert.deepEqual(now.body, { id, ...GRACE, email: 'race@example.com', last_name: 'Raced 1' })
    const removal = await call('DELETE', `/racy/members/${id}`, undefined, { 'if-match': now.etag as string })
    assert.equal(removal.status, 412)
    assert.equal((await call('GET', `${MEMBERS}/${id}`)).status, 200)
    // Without If-Match the same writes go through.
    assert.equal((await call('PATCH', `/racy/members/${id}`, { first_name: 'Kept' })).status, 200)
    assert.equal((await call('DELETE', `/racy/members/${id}`)).status, 204)
  })

  it('a list has an ETag: 304 while unchanged, a new one when a row is added', async () => {
    const first = await call('GET', MEMBERS)
    assert.equal(first.status, 200)
    assert.match(first.etag ?? '', ETAG)
    assert.equal((await call('GET', MEMBERS)).etag, first.etag)
    const cached = await call('GET', MEMBERS, undefined, { 'if-none-match': first.etag as string })
    assert.equal(cached.status, 304)
    assert.equal(cached.text, '')
    // Another representation (sparse fields) is another ETag.
    assert.notEqual((await call('GET', `${MEMBERS}?fields=id`)).etag, first.etag)
    await call('POST', MEMBERS, { ...GRACE, email: 'hopper@example.com' })
    const changed = await call('GET', MEMBERS, undefined, { 'if-none-match': first.etag as string })
    assert.equal(changed.status, 200)
    assert.notEqual(changed.etag, first.etag)
    assert.equal(changed.body.num_results, 2)
  })
})
