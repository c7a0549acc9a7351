/**
 * The embedded default: PGlite (PostgreSQL compiled to WebAssembly) in this process, so the
 * same `pgTable` definitions run here and on a PostgreSQL server unchanged.
 */
import { mkdir } from 'node:fs/promises'
import type { PGlite } from '@electric-sql/pglite'
import type { Database } from '../database.ts'
import { loadDriver } from './load-driver.ts'
import { wrapDrizzle } from './wrap.ts'

/** Opens PGlite persisted in `dataDir` (created if missing), or in memory for `memory://`. */
export async function openPglite(dataDir: string): Promise<Database> {
  const purpose = 'The embedded database'
  const { PGlite } = await loadDriver('@electric-sql/pglite', purpose, () => import('@electric-sql/pglite'))
  if (!dataDir.startsWith('memory://')) await mkdir(dataDir, { recursive: true })
  return pgliteDatabase(await PGlite.create(dataDir))
}

/** The `Database` over an open PGlite (the tests start theirs from a snapshot: it is faster). */
export async function pgliteDatabase(client: PGlite): Promise<Database> {
  const { drizzle } = await import('drizzle-orm/pglite')
  // NOTE: PGlite is one connection; its own mutex makes queries outside a transaction wait
  // for it, so Drizzle's `db.transaction` is isolated without a pool.
  return wrapDrizzle({
    dialect: 'postgresql',
    driver: 'pglite',
    drizzle: drizzle({ client }),
    supportsReturning: true,
    close: () => client.close(),
  })
}
