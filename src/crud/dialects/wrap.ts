/**
 * Builds the `Database` seam around a Drizzle database: the part every driver shares.
 */
import type { Database, Dialect, DriverName } from '../database.ts'
import { classify } from '../db-errors.ts'

export interface WrapOptions {
  dialect: Dialect
  driver: DriverName
  drizzle: any
  supportsReturning: boolean
  readRows: Database['readRows']
  close: () => Promise<void>
  /** Overrides Drizzle's `db.transaction` (better-sqlite3's only takes synchronous work). */
  transaction?: Database['transaction']
}

/** A `Database` over a Drizzle database or transaction. */
export function wrapDrizzle(options: WrapOptions): Database {
  const { dialect, driver, drizzle, supportsReturning } = options
  return {
    dialect,
    driver,
    drizzle,
    supportsReturning,
    readRows: options.readRows,
    classify,
    transaction:
      options.transaction ??
      ((work) => drizzle.transaction((tx: any) => work(inTransaction({ ...options, drizzle: tx })))),
    close: options.close,
  }
}

/**
 * The `Database` handed to transaction work: `drizzle` is the transaction, a nested
 * `transaction()` is a savepoint (Drizzle's `tx.transaction`), and closing is refused.
 */
export function inTransaction(options: Omit<WrapOptions, 'close' | 'readRows'>): Database {
  return wrapDrizzle({
    ...options,
    transaction: undefined,
    readRows: () => Promise.reject(new Error('readRows serves crud() on a database, not in a transaction')),
    close: () => Promise.reject(new Error('Close the database, not a transaction')),
  })
}
