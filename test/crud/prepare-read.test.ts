// prepareRead: a Drizzle select compiled once, run with named placeholder values, on every database.
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { eq, gt, sql } from 'drizzle-orm'
import type { Database } from '../../src/crud/database.ts'
import { prepareRead } from '../../src/crud/read-statement.ts'
import { forEachDatabase } from '../helpers/databases.ts'
import { createTables, tablesFor } from '../helpers/schema/index.ts'

const ADA = { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' }
const GRACE = { first_name: 'Grace', last_name: 'Hopper', email: 'grace@example.com' }

forEachDatabase('prepareRead', (target) => {
  let db: Database
  before(async () => {
    db = await target.connect()
    await createTables(db)
    await db.drizzle.insert(tablesFor(db).members).values([ADA, GRACE])
  })
  after(() => db?.close())

  it('runs with each value of its placeholder, rows as the select gives them', async () => {
    const { members } = tablesFor(db) as typeof import('../helpers/schema/pg.ts')
    const byId = prepareRead(
      db,
      db.drizzle
        .select()
        .from(members)
        .where(eq(members.id, sql.placeholder('id'))),
    )
    assert.deepEqual(await byId.run({ id: 2 }), [{ id: 2, ...GRACE }])
    assert.deepEqual(await byId.run({ id: 1 }), [{ id: 1, ...ADA }])
    assert.deepEqual(await byId.run({ id: 3 }), [])
    // The same text as Drizzle's own select, so the same rows.
    assert.deepEqual(
      await byId.run({ id: 1 }),
      await db.drizzle.select().from(members).where(eq(members.id, 1)),
    )
  })

  it('decodes SQL fields with their mapWith, and runs without values', async () => {
    const { members } = tablesFor(db) as typeof import('../helpers/schema/pg.ts')
    const counted = prepareRead(
      db,
      db.drizzle
        .select({ n: sql<number>`count(*)`.mapWith(Number) })
        .from(members)
        .where(gt(members.id, 0)),
    )
    const rows = await counted.run()
    assert.deepEqual(rows, [{ n: 2 }])
    assert.equal(typeof rows[0]?.n, 'number')
  })

  it('refuses a nested selection', () => {
    const { members } = tablesFor(db) as typeof import('../helpers/schema/pg.ts')
    assert.throws(
      () => prepareRead(db, db.drizzle.select({ member: { id: members.id } }).from(members)),
      new TypeError('prepareRead takes a flat selection: "member" is not a column or SQL'),
    )
  })
})
