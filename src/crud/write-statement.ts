/**
 * `prepareWrite`: an INSERT, UPDATE or DELETE compiled once, for writes on a hot path.
 */
import { is, SQL } from 'drizzle-orm'
import type { Database } from './database.ts'
import { type CompiledQuery, ReadStatement, type Values } from './read-statement.ts'

/** A write compiled once by `prepareWrite`. */
export interface PreparedWrite {
  /**
   * Runs the write with its placeholders' values: by name, or a list for placeholders named
   * `'0'`, `'1'`, ... Resolves once the database has applied it.
   */
  run(values?: Values): Promise<void>
}

const NO_VALUES = {}
const NOTHING = (): void => undefined

/**
 * Compiles a write once, a Drizzle insert, update or delete builder or an `sql` template: each
 * run binds the values of its `sql.placeholder(name)`s and sends the SQL text built here, as a
 * prepared statement on PostgreSQL and a compiled one on SQLite, where Drizzle would build the
 * text again on every run. For writes without `RETURNING`; values go to the driver as they
 * are. Like `prepareRead`, it runs on the database's pool, not inside a transaction.
 *
 * @example
 * const touch = prepareWrite(db, sql`UPDATE ${members} SET seen = now() WHERE ${members.id} = ${sql.placeholder('id')}`)
 * await touch.run({ id: 42 })
 */
export function prepareWrite(db: Database, statement: CompiledQuery | SQL): PreparedWrite {
  // NOTE: `dialect` is marked internal in Drizzle's types; it holds the database's casing.
  const query = is(statement, SQL) ? { toSQL: () => db.drizzle.dialect.sqlToQuery(statement) } : statement
  const compiled = new ReadStatement(db, query, {})
  return { run: (values = NO_VALUES) => compiled.execute(values).then(NOTHING) }
}
