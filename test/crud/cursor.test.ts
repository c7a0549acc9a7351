import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { saker } from 'saker'
import { crud, type Database } from 'saker/crud'
import { serve, type TestServer } from 'saker/testing'
import { forEachDatabase } from '../helpers/databases.ts'
import { createTables, tablesFor } from '../helpers/schema/index.ts'

forEachDatabase('crud keyset (cursor) pagination', (target) => {
  let db: Database
  let server: TestServer
  const add = (name: string) =>
    db.drizzle
      .insert(tablesFor(db).members)
      .values({ first_name: name, last_name: name, email: `${name}@example.com` })

  before(async () => {
    db = await target.connect()
    await createTables(db)
    for (const name of ['b', 'd', 'f', 'h', 'j']) await add(name)
    const app = saker({ logger: false })
    app.mount('/members', crud(db, tablesFor(db).members, { pageSize: 2, pagination: 'cursor' }))
    server = await serve(app)
  })
  after(async () => {
    await server?.close()
    await db?.close()
  })

  type Page = {
    num_results: number | null
    page: null
    next_cursor: string | null
    objects: Array<{ last_name: string }>
  }
  const get = async (path: string) => {
    const res = await fetch(`${server.url}${path}`, { signal: AbortSignal.timeout(5000) })
    return {
      status: res.status,
      link: res.headers.get('link'),
      body: (await res.json()) as Page & { code?: string },
    }
  }
  const names = (page: Page) => page.objects.map((row) => row.last_name)

  it('pages by cursor, and inserts meanwhile never make a page repeat or skip a row', async () => {
    const first = await get('/members?sort=last_name&fields=last_name')
    assert.equal(first.status, 200)
    assert.deepEqual(names(first.body), ['b', 'd'])
    assert.equal(first.body.page, null)
    assert.equal(first.body.num_results, null)
    const cursor = first.body.next_cursor as string
    assert.equal(typeof cursor, 'string')
    assert.equal(
      first.link,
      `</members?sort=last_name&fields=last_name>; rel="first", </members?sort=last_name&fields=last_name&cursor=${cursor}>; rel="next"`,
    )
    // Rows added before and after the cursor while the client pages: OFFSET would repeat 'd'.
    await add('a')
    await add('e')
    const second = await get(`/members?sort=last_name&fields=last_name&cursor=${cursor}`)
    assert.deepEqual(names(second.body), ['e', 'f'])
    const third = await get(`/members?sort=last_name&fields=last_name&cursor=${second.body.next_cursor}`)
    assert.deepEqual(names(third.body), ['h', 'j'])
    assert.equal(third.body.next_cursor, null)
    assert.ok(!third.link?.includes('rel="next"'))
  })

  it('descending sorts page backwards through the keys', async () => {
    const first = await get('/members?sort=-last_name&fields=last_name&results_per_page=3')
    assert.deepEqual(names(first.body), ['j', 'h', 'f'])
    const second = await get(
      `/members?sort=-last_name&fields=last_name&results_per_page=3&cursor=${first.body.next_cursor}`,
    )
    assert.deepEqual(names(second.body), ['e', 'd', 'b'])
  })

  it('a cursor from another sort, a forged cursor and page= are 400', async () => {
    const first = await get('/members?sort=last_name')
    const other = await get(`/members?sort=-last_name&cursor=${first.body.next_cursor}`)
    assert.equal(other.status, 400)
    assert.equal(other.body.code, 'INVALID_QUERY')
    assert.equal((await get('/members?cursor=bm9wZQ')).status, 400)
    assert.equal((await get('/members?page=2')).status, 400)
  })
})
