// prepareWrite: a write compiled once (a Drizzle builder or an sql template), run with
// placeholder values by name or by position, on every database.
import assert from 'node:assert/strict'
import { after, before, beforeEach, it } from 'node:test'
import { asc, eq, sql } from 'drizzle-orm'
import type { Database } from '../../src/crud/database.ts'
import { prepareWrite } from '../../src/crud/write-statement.ts'
import { forEachDatabase } from '../helpers/databases.ts'
import { createTables, tablesFor } from '../helpers/schema/index.ts'

const ADA = { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' }
const GRACE = { first_name: 'Grace', last_name: 'Hopper', email: 'grace@example.com' }

forEachDatabase('prepareWrite', (target) => {
  let db: Database
  let members: typeof import('../helpers/schema/pg.ts').members
  let ada: number
  let grace: number
  const names = async (): Promise<string[]> =>
    (await db.drizzle.select().from(members).orderBy(asc(members.id))).map(
      (row: { last_name: string }) => row.last_name,
    )

  before(async () => {
    db = await target.connect()
    await createTables(db)
    members = (tablesFor(db) as typeof import('../helpers/schema/pg.ts')).members
  })
  beforeEach(async () => {
    await db.drizzle.delete(members)
    await db.drizzle.insert(members).values([ADA, GRACE])
    const rows = await db.drizzle.select().from(members).orderBy(asc(members.id))
    ;[ada, grace] = rows.map((row: { id: number }) => row.id)
  })
  after(() => db?.close())

  it('runs a Drizzle update builder with each run’s values, by name', async () => {
    const rename = prepareWrite(
      db,
      db.drizzle
        .update(members)
        .set({ last_name: sql.placeholder('name') })
        .where(eq(members.id, sql.placeholder('id'))),
    )
    assert.equal(await rename.run({ id: grace, name: 'Murray' }), undefined)
    await rename.run({ id: ada, name: 'Byron' })
    assert.deepEqual(await names(), ['Byron', 'Murray'])
  })

  it('runs an sql template with positional values, and an insert and a delete', async () => {
    const rename = prepareWrite(
      db,
      sql`UPDATE ${members} SET ${sql.identifier('last_name')} = ${sql.placeholder('1')} WHERE ${members.id} = ${sql.placeholder('0')}`,
    )
    await rename.run([ada, 'King'])
    const insert = prepareWrite(
      db,
      db.drizzle.insert(members).values({
        first_name: sql.placeholder('first'),
        last_name: sql.placeholder('last'),
        email: sql.placeholder('email'),
      }),
    )
    await insert.run({ first: 'Alan', last: 'Turing', email: 'alan@example.com' })
    const remove = prepareWrite(db, db.drizzle.delete(members).where(eq(members.id, sql.placeholder('id'))))
    await remove.run({ id: grace })
    assert.deepEqual(await names(), ['King', 'Turing'])
  })

  it('rejects with the driver’s error, which classify maps like any write', async () => {
    const insert = prepareWrite(
      db,
      db.drizzle
        .insert(members)
        .values({ first_name: 'Ada', last_name: 'Again', email: sql.placeholder('email') }),
    )
    const error = await insert.run({ email: ADA.email }).then(
      () => assert.fail('a duplicate email was inserted'),
      (caught: unknown) => caught,
    )
    assert.equal(db.classify(error)?.status, 409)
    assert.deepEqual(await names(), ['Lovelace', 'Hopper'])
  })
})
