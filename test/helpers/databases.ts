/**
 * The one way CRUD tests reach a database: every supported driver, each `connect()` a
 * fresh, empty and isolated database that its `close()` removes.
 *
 * - pglite: in memory, from a snapshot of a new database (3-4x faster than creating one).
 * - sqlite: in memory.
 * - postgres: a new schema on TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test).
 * - mysql: a new database on TEST_MYSQL_URL (default mysql://root@127.0.0.1:3306).
 *
 * A server that does not answer skips its tests with the reason, except under CI=true,
 * where it fails them: CI must run every database.
 */
import { randomBytes } from 'node:crypto'
import { connect as tcpConnect } from 'node:net'
import { describe, it } from 'node:test'
import { PGlite } from '@electric-sql/pglite'
import { sql } from 'drizzle-orm'
import { connectDatabase } from '../../src/crud/connect.ts'
import type { Database, DriverName } from '../../src/crud/database.ts'
import { pgliteDatabase } from '../../src/crud/dialects/pglite.ts'

export interface TestDatabase {
  name: DriverName
  /** A fresh, empty database; closing it drops it. */
  connect(): Promise<Database>
}

export const POSTGRES_URL = process.env.TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test'
export const MYSQL_URL = process.env.TEST_MYSQL_URL || 'mysql://root@127.0.0.1:3306'

/** Every supported database. */
export function databases(): TestDatabase[] {
  return [
    { name: 'pglite', connect: connectPglite },
    { name: 'postgres', connect: connectPostgres },
    { name: 'sqlite', connect: () => connectDatabase({ url: 'sqlite::memory:' }) },
    { name: 'mysql', connect: connectMysql },
  ]
}

/**
 * One `describe` per database (or per database of `only`), named `<name> (<driver>)`.
 *
 * @example
 * forEachDatabase('members', (target) => {
 *   it('inserts', async (t) => {
 *     const db = await target.connect()
 *     t.after(() => db.close())
 *   })
 * })
 */
export function forEachDatabase(
  name: string,
  fn: (target: TestDatabase) => void,
  only?: readonly DriverName[],
): void {
  for (const target of databases()) {
    if (only && !only.includes(target.name)) continue
    const title = `${name} (${target.name})`
    const reason = unreachable[target.name]
    if (reason !== undefined && process.env.CI === 'true') {
      describe(title, () => {
        it('reaches its database', () => {
          throw new Error(`${reason} (CI=true runs every database)`)
        })
      })
    } else {
      describe(title, reason === undefined ? {} : { skip: reason }, () => fn(target))
    }
  }
}

// Each process probes the servers once, before any test is declared, so that a skip is
// decided up front and shows its reason.
const unreachable: Partial<Record<DriverName, string>> = {}
await Promise.all([
  probe(POSTGRES_URL, 5432).then((ok) => {
    if (!ok) unreachable.postgres = `PostgreSQL unreachable at ${redact(POSTGRES_URL)}`
  }),
  probe(MYSQL_URL, 3306).then((ok) => {
    if (!ok) unreachable.mysql = `MariaDB/MySQL unreachable at ${redact(MYSQL_URL)}`
  }),
])

/** Whether a TCP server answers at `url` (host and port, or `defaultPort`) within a second. */
export function probe(url: string, defaultPort: number): Promise<boolean> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: hostname || '127.0.0.1', port: Number(port) || defaultPort })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(1_000, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

function redact(url: string): string {
  const parsed = new URL(url)
  if (parsed.password) parsed.password = '***'
  return parsed.toString()
}

/** A unique name, also across the test files that run at the same time. */
function uniqueName(): string {
  return `saker_test_${process.pid}_${randomBytes(4).toString('hex')}`
}

/** Runs one statement on a short-lived admin connection. */
async function admin(url: string, statement: string): Promise<void> {
  const db = await connectDatabase({ url, pool: { max: 1 } })
  try {
    await db.drizzle.execute(sql.raw(statement))
  } finally {
    await db.close()
  }
}

let pgliteSnapshot: Promise<Blob> | undefined

async function connectPglite(): Promise<Database> {
  pgliteSnapshot ??= PGlite.create('memory://').then(async (template) => {
    const snapshot = await template.dumpDataDir('none')
    await template.close()
    return snapshot
  })
  return pgliteDatabase(await PGlite.create({ loadDataDir: await pgliteSnapshot }))
}

async function connectPostgres(): Promise<Database> {
  const schema = uniqueName()
  await admin(POSTGRES_URL, `CREATE SCHEMA "${schema}"`)
  const url = new URL(POSTGRES_URL)
  // postgres.js passes unknown URL parameters on as connection parameters.
  url.searchParams.set('search_path', schema)
  const db = await connectDatabase({ url: url.toString() })
  return withCleanup(db, () => admin(POSTGRES_URL, `DROP SCHEMA "${schema}" CASCADE`))
}

async function connectMysql(): Promise<Database> {
  const name = uniqueName()
  await admin(MYSQL_URL, `CREATE DATABASE \`${name}\``)
  const url = new URL(MYSQL_URL)
  url.pathname = `/${name}`
  const db = await connectDatabase({ url: url.toString() })
  return withCleanup(db, () => admin(MYSQL_URL, `DROP DATABASE \`${name}\``))
}

function withCleanup(db: Database, drop: () => Promise<void>): Database {
  return {
    ...db,
    close: async () => {
      await db.close()
      await drop()
    },
  }
}
