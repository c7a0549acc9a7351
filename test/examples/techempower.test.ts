// The TechEmpower implementation (`npm run techempower`), on PostgreSQL, over a real socket:
// each rule of the seven test types, checked against what the database holds.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'drizzle-orm'
import type { Database } from 'saker/crud'
import { serve, type TestServer } from 'saker/testing'
import { clampCount, techempowerApp } from '../../examples/techempower/app.ts'
import { escapeHtml } from '../../examples/techempower/html.ts'
import { setupSchema } from '../../examples/techempower/schema.ts'
import { forEachDatabase } from '../helpers/databases.ts'

interface World {
  id: number
  randomNumber: number
}

const FORTUNES_PAGE =
  '<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>' +
  '<tr><td>11</td><td>&lt;script&gt;alert(&quot;This should not be displayed in a browser alert box.&quot;);&lt;/script&gt;</td></tr>' +
  '<tr><td>4</td><td>A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1</td></tr>' +
  '<tr><td>5</td><td>A computer program does what you tell it to do, not what you want it to do.</td></tr>' +
  '<tr><td>2</td><td>A computer scientist is someone who fixes things that aren&#x27;t broken.</td></tr>' +
  '<tr><td>8</td><td>A list is only as strong as its weakest link. — Donald Knuth</td></tr>' +
  '<tr><td>0</td><td>Additional fortune added at request time.</td></tr>' +
  '<tr><td>3</td><td>After enough decimal places, nobody gives a damn.</td></tr>' +
  '<tr><td>7</td><td>Any program that runs right is obsolete.</td></tr>' +
  '<tr><td>10</td><td>Computers make very fast, very accurate mistakes.</td></tr>' +
  '<tr><td>6</td><td>Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen</td></tr>' +
  '<tr><td>9</td><td>Feature: A bug with seniority.</td></tr>' +
  '<tr><td>1</td><td>fortune: No such file or directory</td></tr>' +
  '<tr><td>12</td><td>フレームワークのベンチマーク</td></tr>' +
  '</table></body></html>'

describe('examples/techempower: the queries count', () => {
  it('is 1 to 500; missing, empty, 0 and not a number give 1', () => {
    for (const [given, count] of [
      [undefined, 1],
      ['', 1],
      ['0', 1],
      ['-3', 1],
      ['foo', 1],
      ['1', 1],
      ['20', 20],
      ['500', 500],
      ['501', 500],
      ['100000', 500],
    ] as const) {
      assert.equal(clampCount(given), count, String(given))
    }
  })
})

describe('examples/techempower: escapeHtml', () => {
  it('escapes & < > " and \' wherever they are, and leaves other text as it is', () => {
    for (const [given, escaped] of [
      ['', ''],
      ['plain text, ünïcode — フレーム', 'plain text, ünïcode — フレーム'],
      ['<', '&lt;'],
      ['a&b', 'a&amp;b'],
      ['"quoted"', '&quot;quoted&quot;'],
      ["it's", 'it&#x27;s'],
      ['<<>>&&', '&lt;&lt;&gt;&gt;&amp;&amp;'],
      ['x > y = z ? ~ {}', 'x &gt; y = z ? ~ {}'],
    ] as const) {
      assert.equal(escapeHtml(given), escaped, given)
    }
  })
})

forEachDatabase(
  'examples/techempower',
  (target) => {
    let db: Database
    let server: TestServer
    let reads = 0

    before(async () => {
      db = await target.connect()
      await setupSchema(db)
      // Every statement the app runs goes through readRows: its reads are counted, to check one
      // query per row (the update is the one statement that is not a SELECT).
      const counted: Database = {
        ...db,
        readRows: (text, values) => {
          if (/^select /i.test(text)) reads++
          return db.readRows(text, values)
        },
      }
      server = await serve(techempowerApp(counted))
    })
    after(async () => {
      await server?.close()
      await db?.close()
    })

    const get = (path: string) => fetch(`${server.url}${path}`)
    async function stored(ids: number[]): Promise<Map<number, number>> {
      const rows = (await db.drizzle.execute(
        sql`SELECT id, randomnumber FROM world WHERE id IN ${sql.raw(`(${ids.join(',')})`)}`,
      )) as Array<{ id: number; randomnumber: number }>
      return new Map(rows.map((row) => [row.id, row.randomnumber]))
    }
    function assertWorld(row: World): void {
      assert.deepEqual(Object.keys(row), ['id', 'randomNumber'])
      assert.ok(Number.isInteger(row.id) && row.id >= 1 && row.id <= 10_000, `id ${row.id}`)
      assert.ok(Number.isInteger(row.randomNumber) && row.randomNumber >= 1 && row.randomNumber <= 10_000)
    }
    function assertHeaders(res: Response, type: string, body: string): void {
      assert.equal(res.headers.get('content-type'), type)
      assert.equal(res.headers.get('content-length'), String(Buffer.byteLength(body)))
      assert.equal(res.headers.get('server'), 'saker')
      assert.equal(res.headers.get('x-request-id'), null) // TechEmpower's headers only
      const date = res.headers.get('date') ?? ''
      assert.match(date, /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/)
      assert.ok(Math.abs(Date.parse(date) - Date.now()) < 2_000, date)
    }

    it('setup makes world (10,000 rows, numbers 1 to 10,000) and the 12 fortunes, and reruns', async () => {
      await setupSchema(db)
      const [world] = (await db.drizzle.execute(
        sql`SELECT count(*)::int AS n, min(id) AS lo, max(id) AS hi,
          min(randomnumber) >= 1 AND max(randomnumber) <= 10000 AS numbers FROM world`,
      )) as Array<Record<string, number>>
      assert.deepEqual(world, { n: 10_000, lo: 1, hi: 10_000, numbers: true })
      const fortunes = (await db.drizzle.execute(sql`SELECT id, message FROM fortune ORDER BY id`)) as Array<{
        id: number
        message: string
      }>
      assert.equal(fortunes.length, 12)
      assert.deepEqual(fortunes[0], { id: 1, message: 'fortune: No such file or directory' })
      assert.deepEqual(fortunes[11], { id: 12, message: 'フレームワークのベンチマーク' })
    })

    it('/plaintext: Hello, World! as text, with Server, Date and Content-Length', async () => {
      const res = await get('/plaintext')
      const body = await res.text()
      assert.equal(res.status, 200)
      assert.equal(body, 'Hello, World!')
      assertHeaders(res, 'text/plain; charset=utf-8', body)
    })

    it('/json: {"message":"Hello, World!"}', async () => {
      const res = await get('/json')
      const body = await res.text()
      assert.equal(res.status, 200)
      assert.equal(body, '{"message":"Hello, World!"}')
      assertHeaders(res, 'application/json', body)
    })

    it('the Date header is fresh every second', async () => {
      const first = (await get('/json')).headers.get('date')
      await new Promise((resolve) => setTimeout(resolve, 1_100))
      const second = (await get('/json')).headers.get('date')
      assert.notEqual(second, first)
    })

    it('/db: one random row, as stored, in one query', async () => {
      const ids = new Set<number>()
      for (let i = 0; i < 5; i++) {
        const before = reads
        const res = await get('/db')
        const body = await res.text()
        assert.equal(reads - before, 1)
        assert.equal(res.status, 200)
        assertHeaders(res, 'application/json', body)
        const row = JSON.parse(body) as World
        assertWorld(row)
        assert.equal((await stored([row.id])).get(row.id), row.randomNumber)
        ids.add(row.id)
      }
      assert.ok(ids.size > 1, 'random ids')
    })

    it('/queries: N rows, one query each, N clamped to 1..500', async () => {
      for (const [query, count] of [
        ['', 1],
        ['?queries=', 1],
        ['?queries=0', 1],
        ['?queries=foo', 1],
        ['?queries=1', 1],
        ['?queries=20', 20],
        ['?queries=501', 500],
      ] as const) {
        const before = reads
        const res = await get(`/queries${query}`)
        assert.equal(res.status, 200, query)
        const rows = (await res.json()) as World[]
        assert.equal(rows.length, count, query)
        assert.equal(reads - before, count, `${query}: one query per row`)
        for (const row of rows) assertWorld(row)
      }
      const rows = (await (await get('/queries?queries=20')).json()) as World[]
      const values = await stored(rows.map((row) => row.id))
      for (const row of rows) assert.equal(values.get(row.id), row.randomNumber)
    })

    it('/fortunes: the fortunes and one added at request time, sorted and escaped', async () => {
      const before = reads
      const res = await get('/fortunes')
      const body = await res.text()
      assert.equal(reads - before, 1)
      assert.equal(res.status, 200)
      assertHeaders(res, 'text/html; charset=utf-8', body)
      assert.equal(body, FORTUNES_PAGE)
      // The added fortune is not stored.
      const counted = (await db.drizzle.execute(sql`SELECT count(*)::int AS n FROM fortune`)) as Array<{
        n: number
      }>
      assert.deepEqual([...counted], [{ n: 12 }])
    })

    it('/updates: N rows read one by one, given new numbers, stored before the reply', async () => {
      for (const [query, count] of [
        ['', 1],
        ['?queries=foo', 1],
        ['?queries=20', 20],
        ['?queries=501', 500],
      ] as const) {
        const before = reads
        const res = await get(`/updates${query}`)
        assert.equal(res.status, 200, query)
        const rows = (await res.json()) as World[]
        assert.equal(rows.length, count)
        assert.equal(reads - before, count)
        for (const row of rows) assertWorld(row)
        // Every row as replied is as stored, an id drawn twice included.
        const values = await stored(rows.map((row) => row.id))
        for (const row of rows) assert.equal(values.get(row.id), row.randomNumber, `row ${row.id}`)
      }
    })

    it('/updates changes the stored numbers', async () => {
      const rows = (await db.drizzle.execute(sql`SELECT id, randomnumber FROM world`)) as Array<{
        id: number
        randomnumber: number
      }>
      const before = new Map(rows.map((row) => [row.id, row.randomnumber]))
      const updated = (await (await get('/updates?queries=500')).json()) as World[]
      const ids = [...new Set(updated.map((row) => row.id))]
      const changed = ids.filter(
        (id) => before.get(id) !== updated.find((row) => row.id === id)?.randomNumber,
      )
      // A new number from 1 to 10,000 equals the old one once in 10,000.
      assert.ok(changed.length >= ids.length - 5, `${changed.length} of ${ids.length} changed`)
    })

    it('/cached-queries: rows from the cache, clamped to 1..500; the database only on a miss', async () => {
      // The cache holds every row (10,000), so a request reads exactly its ids never drawn before.
      const seen = new Set<number>()
      for (const [query, count] of [
        ['', 1],
        ['?count=0', 1],
        ['?count=foo', 1],
        ['?count=20', 20],
        ['?count=501', 500],
        ['?count=500', 500],
        ['?count=500', 500],
      ] as const) {
        const before = reads
        const res = await get(`/cached-queries${query}`)
        assert.equal(res.status, 200)
        const rows = (await res.json()) as World[]
        assert.equal(rows.length, count, query)
        for (const row of rows) assertWorld(row)
        const fresh = new Set(rows.map((row) => row.id).filter((id) => !seen.has(id)))
        assert.equal(reads - before, fresh.size, `${query}: one query per id not cached yet`)
        for (const id of fresh) seen.add(id)
      }
      // 1,542 draws of 10,000 ids repeat some: those came from the cache.
      assert.ok(seen.size < 1_542, `${seen.size} distinct ids`)
    })
  },
  ['postgres'],
)
