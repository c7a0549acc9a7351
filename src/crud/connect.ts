/**
 * One call from a URL to a connected `Database`: the URL's scheme picks the driver, and
 * only that driver is imported.
 */
import type { Database } from './database.ts'
import type { PoolSettings } from './dialects/postgres.ts'

export interface ConnectOptions {
  /** The database URL; defaults to `DATABASE_URL`, else the embedded PGlite. */
  url?: string
  /** Where the embedded PGlite keeps its files (default `./.data/pglite`); `memory://` keeps none. */
  dataDir?: string
  /** PostgreSQL and MySQL pools; times in milliseconds. */
  pool?: Partial<PoolSettings>
  sqlite?: {
    /** How long a write waits for another connection's lock, in ms (default 5000). */
    busyTimeout?: number
  }
}

export const DEFAULT_DATA_DIR = './.data/pglite'

const DEFAULT_POOL: PoolSettings = {
  max: 10,
  acquireTimeout: 5_000,
  statementTimeout: 30_000,
  idleTimeout: 30_000,
  pipeline: 100,
}

/**
 * Connects to the database named by `url` (or `DATABASE_URL`): `postgres://`/`postgresql://`
 * (postgres.js), `sqlite:` (better-sqlite3), `mysql://`/`mariadb://` (mysql2); with neither,
 * the embedded PGlite persisted in `dataDir`.
 *
 * @example
 * const db = await connectDatabase({ pool: { max: 20 } })
 * await db.drizzle.select().from(members)
 */
export async function connectDatabase(options: ConnectOptions = {}): Promise<Database> {
  const url = options.url ?? process.env.DATABASE_URL
  const pool = { ...DEFAULT_POOL, ...definedOnly(options.pool) }
  if (!Number.isInteger(pool.max) || pool.max < 1) {
    throw new RangeError(`pool.max must be a whole number of connections, at least 1 (got ${pool.max})`)
  }
  if (url === undefined || url === '') {
    const { openPglite } = await import('./dialects/pglite.ts')
    return openPglite(options.dataDir ?? DEFAULT_DATA_DIR)
  }
  const scheme = url.slice(0, url.indexOf(':') + 1).toLowerCase()
  switch (scheme) {
    case 'postgres:':
    case 'postgresql:': {
      const { openPostgres } = await import('./dialects/postgres.ts')
      return openPostgres(url, pool)
    }
    case 'sqlite:': {
      const { openSqlite } = await import('./dialects/sqlite.ts')
      return openSqlite(url, options.sqlite?.busyTimeout ?? 5_000)
    }
    case 'mysql:':
    case 'mariadb:': {
      const { openMysql } = await import('./dialects/mysql.ts')
      return openMysql(url, pool)
    }
    default:
      // NOTE: never the URL itself in the message: it may hold a password.
      throw new Error(
        `Unsupported database URL scheme "${scheme}": use postgres://, postgresql://, sqlite:, mysql:// or mariadb://`,
      )
  }
}

/** `{ max: undefined }` must not erase the default. */
function definedOnly<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>
}
