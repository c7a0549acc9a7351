import type { HealthCheck } from './health.ts'

/**
 * What the check needs of saker/crud's `Database`: its raw read. Typed here rather than
 * imported, so that saker/monitoring loads neither saker/crud nor a driver.
 */
export interface Pingable {
  readRows(text: string, values: readonly unknown[]): Promise<unknown>
}

/**
 * A readiness check that runs `select 1` on a saker/crud database (PGlite, PostgreSQL, SQLite,
 * MySQL/MariaDB): it fails when the database is unreachable or its pool has no connection to give.
 *
 * @example
 * health(app, { checks: { database: databaseCheck(db) } })
 */
export function databaseCheck(db: Pingable): HealthCheck {
  return () => db.readRows('select 1', [])
}
