// The PostgreSQL pool's lanes (src/crud/dialects/postgres-lanes.ts): reads spread over the
// connections, a transaction holds a connection alone, and every connection reads values alike.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { sql } from 'drizzle-orm'
import { connectDatabase } from '../../src/crud/connect.ts'
import { forEachDatabase, POSTGRES_URL } from '../helpers/databases.ts'

const BACKEND = 'select pg_backend_pid() as pid, pg_sleep(0.05)::text as slept'

forEachDatabase('the PostgreSQL pool', () => {
  it('concurrent reads go to every connection, and pipeline past one each', async (t) => {
    const db = await connectDatabase({ url: POSTGRES_URL, pool: { max: 3 } })
    t.after(() => db.close())
    const rows = await Promise.all(Array.from({ length: 12 }, () => db.readRows(BACKEND, [])))
    const pids = new Set(rows.map((raw) => raw[0]?.[0]))
    assert.equal(pids.size, 3)
    // Four each: the least busy connection takes the next read.
    const perPid = new Map<unknown, number>()
    for (const raw of rows) perPid.set(raw[0]?.[0], (perPid.get(raw[0]?.[0]) ?? 0) + 1)
    assert.deepEqual([...perPid.values()], [4, 4, 4])
  })

  it('a transaction has its connection alone: a read outside it runs while it is open', {
    timeout: 10_000,
  }, async (t) => {
    const db = await connectDatabase({ url: POSTGRES_URL, pool: { max: 2, acquireTimeout: 2_000 } })
    t.after(() => db.close())
    const inside = await db.transaction(async (tx) => {
      const [own] = (await tx.drizzle.execute(sql`select pg_backend_pid() as pid`)) as unknown as {
        pid: number
      }[]
      // A read sent to the transaction's connection would wait for the commit: a deadlock.
      const outside = await Promise.all([db.readRows(BACKEND, []), db.drizzle.execute(sql.raw(BACKEND))])
      return { own: own?.pid, outside }
    })
    const [read, drizzleRead] = inside.outside
    assert.notEqual(read[0]?.[0], inside.own)
    assert.notEqual((drizzleRead as unknown as { pid: number }[])[0]?.pid, inside.own)
  })

  it('a transaction admitted beside pipelined reads keeps its connection for itself', async (t) => {
    const db = await connectDatabase({ url: POSTGRES_URL, pool: { max: 2 } })
    t.after(() => db.close())
    const slow = db.readRows('select pg_sleep(0.2)::text', []) // on one connection
    // Admitted in this tick: the transaction has the idle connection, and the reads that
    // pipelining lets in after it must leave that one alone.
    const transaction = db.transaction(async (tx) => tx.drizzle.execute(sql`select 1 as one`))
    const reads = Promise.all([db.readRows('select 2', []), db.readRows('select 3', [])])
    assert.deepEqual([...((await transaction) as unknown as object[])], [{ one: 1 }])
    assert.deepEqual(
      (await reads).map((rows) => [...rows]),
      [[[2]], [[3]]],
    )
    await slow
  })

  it('every connection reads dates as Drizzle reads them (its parsers are on all of them)', async (t) => {
    const db = await connectDatabase({ url: POSTGRES_URL, pool: { max: 4 } })
    t.after(() => db.close())
    const query = sql`select pg_backend_pid() as pid, '2026-11-21 10:00:00+00'::timestamptz as at, pg_sleep(0.05)::text`
    const results = await Promise.all(
      Array.from(
        { length: 4 },
        () => db.drizzle.execute(query) as unknown as Promise<{ pid: number; at: unknown }[]>,
      ),
    )
    assert.equal(new Set(results.map(([row]) => row?.pid)).size, 4)
    for (const [row] of results) assert.equal(row?.at, '2026-11-21 10:00:00+00')
  })
}, ['postgres'])
