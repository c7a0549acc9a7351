/**
 * The embedded default: PGlite (PostgreSQL compiled to WebAssembly) in this process, so the
 * same `pgTable` definitions run here and on a PostgreSQL server unchanged.
 */
import { mkdir } from 'node:fs/promises'
import type { PGlite } from '@electric-sql/pglite'
import { loadOptional } from '../../optional-dependency.ts'
import type { Database } from '../database.ts'
import { wrapDrizzle } from './wrap.ts'

/** Opens PGlite persisted in `dataDir` (created if missing), or in memory for `memory://`. */
export async function openPglite(dataDir: string): Promise<Database> {
  const purpose = 'The embedded database'
  const { PGlite } = await loadOptional('@electric-sql/pglite', purpose, () => import('@electric-sql/pglite'))
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
    readRows: async (text, values) =>
      (await client.query<unknown[]>(text, values as unknown[], AS_ARRAYS)).rows,
    close: () => client.close(),
  })
}

const asText = (value: string) => value

/** Rows as arrays, with dates and intervals left as text, as Drizzle's PGlite session reads them. */
const AS_ARRAYS = {
  rowMode: 'array',
  parsers: {
    // By type OID: timestamp, timestamptz, interval, date; numeric[], timestamp[], timestamptz[], interval[], date[]
    1114: asText,
    1184: asText,
    1186: asText,
    1082: asText,
    1231: asText,
    1115: asText,
    1185: asText,
    1187: asText,
    1182: asText,
  },
} as const
