/**
 * The database seam of saker/crud: one small interface over Drizzle and a driver.
 * `connect.ts` makes one from a URL; `crud()` only ever talks to this.
 */
import type { HttpError } from '../errors.ts'

/** The SQL dialect, which picks the Drizzle table builders (`pgTable`, `sqliteTable`, `mysqlTable`). */
export type Dialect = 'postgresql' | 'sqlite' | 'mysql'

/** The driver behind a database: the embedded default (PGlite), PostgreSQL, SQLite or MySQL/MariaDB. */
export type DriverName = 'pglite' | 'postgres' | 'sqlite' | 'mysql'

/**
 * A connected database.
 *
 * @example
 * const db = await connectDatabase() // DATABASE_URL, or the embedded PGlite in ./.data/pglite
 * const rows = await db.drizzle.select().from(members)
 */
export interface Database {
  readonly dialect: Dialect
  readonly driver: DriverName
  /**
   * The Drizzle database. Its type depends on the dialect; `crud()` builds queries
   * with the table it is given, which carries the dialect too.
   */
  readonly drizzle: any
  /** Whether INSERT/UPDATE/DELETE ... RETURNING is available (not on MySQL/MariaDB). */
  readonly supportsReturning: boolean
  /**
   * Maps a driver error (also when wrapped in Drizzle's `DrizzleQueryError`) to the
   * HttpError a client should see: 409 for unique and foreign-key violations (naming
   * the column when the driver tells), 400 for not-null and check violations, 503
   * with `Retry-After` when the database is unreachable or the pool is exhausted.
   * `null` for anything else (a bug: the caller answers 500).
   */
  classify(error: unknown): HttpError | null
  /**
   * Runs a read compiled once (SQL text in the dialect's placeholder style, with its values in
   * order) and answers its rows as arrays of driver values. `crud()` serves its reads through
   * this rather than through Drizzle's per-query building: PostgreSQL prepares the statement
   * once per connection and SQLite compiles it once. A write without `RETURNING` (`prepareWrite`)
   * answers no rows. Not available inside a transaction.
   */
  readRows(text: string, values: readonly unknown[]): Promise<unknown[][]>
  /** Runs `work` in a transaction; a throw rolls everything back. */
  transaction<T>(work: (tx: Database) => Promise<T>): Promise<T>
  /** Closes the pool or the embedded database. */
  close(): Promise<void>
}
