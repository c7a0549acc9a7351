/**
 * TechEmpower's standard PostgreSQL schema, as their setup creates it: unquoted `World` and
 * `Fortune`, so the tables are `world(id, randomnumber)` and `fortune(id, message)`.
 */
import { sql } from 'drizzle-orm'
import { integer, pgTable, varchar } from 'drizzle-orm/pg-core'
import type { Database } from 'saker/crud'

export const world = pgTable('world', {
  id: integer('id').primaryKey(),
  randomNumber: integer('randomnumber').notNull().default(0),
})

export const fortune = pgTable('fortune', {
  id: integer('id').primaryKey(),
  message: varchar('message', { length: 2048 }).notNull(),
})

/** The database the server and the setup use: DATABASE_URL, or the local `test` database. */
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** How many rows `world` holds: ids 1 to 10,000. */
export const WORLD_ROWS = 10_000

/** The 12 canonical fortunes, in id order. */
export const FORTUNES = [
  'fortune: No such file or directory',
  "A computer scientist is someone who fixes things that aren't broken.",
  'After enough decimal places, nobody gives a damn.',
  'A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1',
  'A computer program does what you tell it to do, not what you want it to do.',
  'Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen',
  'Any program that runs right is obsolete.',
  'A list is only as strong as its weakest link. — Donald Knuth',
  'Feature: A bug with seniority.',
  'Computers make very fast, very accurate mistakes.',
  '<script>alert("This should not be displayed in a browser alert box.");</script>',
  'フレームワークのベンチマーク',
]

/**
 * Creates both tables if missing and fills them as TechEmpower's setup does: `world` with
 * 10,000 rows of random numbers from 1 to 10,000, `fortune` with the 12 fortunes. Rerunning
 * it starts both afresh.
 */
export async function setupSchema(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.drizzle.execute(sql`CREATE TABLE IF NOT EXISTS World (
      id integer NOT NULL,
      randomNumber integer NOT NULL DEFAULT 0,
      PRIMARY KEY (id)
    )`)
    await tx.drizzle.execute(sql`CREATE TABLE IF NOT EXISTS Fortune (
      id integer NOT NULL,
      message varchar(2048) NOT NULL,
      PRIMARY KEY (id)
    )`)
    await tx.drizzle.execute(sql`TRUNCATE World, Fortune`)
    await tx.drizzle.execute(sql`INSERT INTO World (id, randomNumber)
      SELECT x, least(floor(random() * ${WORLD_ROWS}) + 1, ${WORLD_ROWS}) FROM generate_series(1, ${WORLD_ROWS}) AS x`)
    await tx.drizzle.insert(fortune).values(FORTUNES.map((message, i) => ({ id: i + 1, message })))
  })
  await db.drizzle.execute(sql`ANALYZE World, Fortune`)
}
