import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { saker } from 'saker'
import { crud, type Database } from 'saker/crud'
import { serve, type TestServer } from 'saker/testing'
import { forEachDatabase } from '../helpers/databases.ts'
import { createTables, tablesFor } from '../helpers/schema/index.ts'

forEachDatabase('crud include= and relation filters', (target) => {
  let db: Database
  let server: TestServer
  let queries = 0

  before(async () => {
    db = await target.connect()
    await createTables(db)
    const { members, lists, subscriptions } = tablesFor(db)
    const drizzle = db.drizzle
    await drizzle.insert(members).values([
      { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' },
      { first_name: 'Grace', last_name: 'Hopper', email: 'grace@example.com' },
      { first_name: 'Alan', last_name: 'Turing', email: 'alan@example.com' },
    ])
    await drizzle.insert(lists).values([{ name: 'news' }, { name: 'events' }])
    await drizzle.insert(subscriptions).values([
      { member_id: 1, list_id: 1 },
      { member_id: 1, list_id: 2 },
      { member_id: 2, list_id: 2 },
    ])
    const subscriptionSpec = {
      table: subscriptions,
      kind: 'many' as const,
      localColumn: members.id,
      foreignColumn: subscriptions.member_id,
      readable: ['id', 'list_id'],
      relations: {
        list: {
          table: lists,
          kind: 'one' as const,
          localColumn: subscriptions.list_id,
          foreignColumn: lists.id,
        },
      },
    }
    // Count the queries the resource runs, to prove embedding is not one query per row: its
    // compiled reads go through readRows, embedding builds Drizzle selects.
    const counted: Database = {
      ...db,
      readRows: (text, values) => {
        queries++
        return db.readRows(text, values)
      },
      drizzle: new Proxy(drizzle, {
        get(object, key) {
          if (key === 'select') queries++
          const value = Reflect.get(object, key)
          return typeof value === 'function' ? value.bind(object) : value
        },
      }),
    }
    const app = saker({ logger: false })
    app.mount(
      '/members',
      crud(counted, members, {
        relations: {
          subscriptions: subscriptionSpec,
          lists: {
            table: lists,
            kind: 'many',
            localColumn: members.id,
            foreignColumn: lists.id,
            through: {
              table: subscriptions,
              localColumn: subscriptions.member_id,
              foreignColumn: subscriptions.list_id,
            },
          },
        },
      }),
    )
    server = await serve(app)
  })
  after(async () => {
    await server?.close()
    await db?.close()
  })

  const get = async (path: string) => {
    const res = await fetch(`${server.url}${path}`, { signal: AbortSignal.timeout(5000) })
    return { status: res.status, body: (await res.json()) as { objects: unknown[]; code?: string } }
  }

  it('embeds to-many, many-to-many and nested to-one relations in a fixed number of queries', async () => {
    const path = '/members?include=lists,subscriptions.list&fields=id,first_name&fields[lists]=name'
    // The first request of a query shape also builds (and compiles) its list reads.
    assert.equal((await get(path)).status, 200)
    queries = 0
    const res = await get(path)
    assert.equal(res.status, 200)
    assert.deepEqual(res.body.objects, [
      {
        id: 1,
        first_name: 'Ada',
        lists: [{ name: 'news' }, { name: 'events' }],
        subscriptions: [
          { id: 1, list_id: 1, list: { id: 1, name: 'news' } },
          { id: 2, list_id: 2, list: { id: 2, name: 'events' } },
        ],
      },
      {
        id: 2,
        first_name: 'Grace',
        lists: [{ name: 'events' }],
        subscriptions: [{ id: 3, list_id: 2, list: { id: 2, name: 'events' } }],
      },
      { id: 3, first_name: 'Alan', lists: [], subscriptions: [] },
    ])
    // the page with its count + lists + subscriptions + subscriptions.list, whatever the number of rows.
    assert.equal(queries, 4)
  })

  it('filters on related fields, with has/any, in both query forms', async () => {
    const short = await get('/members?lists.name=events&fields=id')
    assert.deepEqual(short.body.objects, [{ id: 1 }, { id: 2 }])
    const q = encodeURIComponent(
      JSON.stringify({ filters: [{ name: 'lists__name', op: 'eq', val: 'news' }] }),
    )
    assert.deepEqual((await get(`/members?q=${q}&fields=id`)).body.objects, [{ id: 1 }])
    const none = encodeURIComponent(
      JSON.stringify({ filters: [{ not: { name: 'subscriptions', op: 'any' } }] }),
    )
    const unsubscribed = await get(`/members?q=${none}&fields=id`)
    assert.deepEqual(unsubscribed.body.objects, [{ id: 3 }], JSON.stringify(unsubscribed.body))
    const subscribed = await get('/members?subscriptions[any]&fields=id')
    assert.deepEqual(subscribed.body.objects, [{ id: 1 }, { id: 2 }], JSON.stringify(subscribed.body))
  })

  it('an unknown relation in include= is 400', async () => {
    const res = await get('/members?include=friends')
    assert.equal(res.status, 400)
    assert.equal(res.body.code, 'INVALID_QUERY')
  })
})
