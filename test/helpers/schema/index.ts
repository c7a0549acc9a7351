/**
 * The newsletter tables (members, lists, subscriptions) in each dialect, and the plain
 * CREATE TABLE statements that make them.
 */
import { sql } from 'drizzle-orm'
import type { Database, Dialect } from '../../../src/crud/database.ts'
import * as mysql from './mysql.ts'
import * as pg from './pg.ts'
import * as sqlite from './sqlite.ts'

const schemas = { postgresql: pg, sqlite, mysql } as const

/** The newsletter tables for the database's dialect. */
export function tablesFor<D extends Dialect>(db: { dialect: D }): (typeof schemas)[D] {
  return schemas[db.dialect]
}

/** Creates the newsletter tables in an empty database. */
export async function createTables(db: Database): Promise<void> {
  for (const statement of schemas[db.dialect].ddl) {
    // better-sqlite3's Drizzle runs statements with `run`; the others with `execute`.
    if (db.dialect === 'sqlite') await db.drizzle.run(sql.raw(statement))
    else await db.drizzle.execute(sql.raw(statement))
  }
}
