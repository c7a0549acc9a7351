/**
 * SQLite through better-sqlite3: one synchronous connection in WAL mode, with a busy
 * timeout and foreign keys enforced.
 */
import type { Statement } from 'better-sqlite3'
import { loadOptional } from '../../optional-dependency.ts'
import type { Database } from '../database.ts'
import { Gate } from './gate.ts'
import { wrapDrizzle } from './wrap.ts'

/** `sqlite:///abs/path.db` → `/abs/path.db`, `sqlite:relative.db` → `relative.db`, `sqlite::memory:`. */
export function sqliteFilename(url: string): string {
  const rest = url.slice('sqlite:'.length)
  const path = rest.startsWith('//') ? rest.slice(2) : rest
  return decodeURIComponent(path.split('?')[0] ?? '')
}

/** Opens a SQLite file (or `:memory:`) from a `sqlite:` URL. */
export async function openSqlite(url: string, busyTimeout: number): Promise<Database> {
  const { default: SQLite } = await loadOptional(
    'better-sqlite3',
    'A SQLite URL',
    () => import('better-sqlite3'),
  )
  const { drizzle } = await import('drizzle-orm/better-sqlite3')
  const client = new SQLite(sqliteFilename(url), { timeout: busyTimeout })
  // WAL lets readers in other processes run beside the one writer.
  client.pragma('journal_mode = WAL')
  // SQLite leaves foreign keys unchecked unless asked, per connection.
  client.pragma('foreign_keys = ON')
  const db = drizzle({ client })

  // better-sqlite3's (and so Drizzle's) transactions take only synchronous work, so an
  // async one is BEGIN IMMEDIATE ... COMMIT by hand, one at a time on the one connection.
  // NOTE: a statement issued outside `transaction()` while one is open runs inside it:
  // there is no second connection to put it on (another one would block the event loop
  // waiting for the write lock this process holds).
  const gate = new Gate(1, busyTimeout)
  let savepoints = 0
  const nested: Database['transaction'] = async (work) => {
    const name = `sp${++savepoints}`
    client.exec(`SAVEPOINT ${name}`)
    try {
      const result = await work(inTx)
      client.exec(`RELEASE ${name}`)
      return result
    } catch (error) {
      client.exec(`ROLLBACK TO ${name}`)
      client.exec(`RELEASE ${name}`)
      throw error
    }
  }
  const base = { dialect: 'sqlite', driver: 'sqlite', drizzle: db, supportsReturning: true } as const
  // Each read's text is compiled once; crud() has a bounded set of them.
  const statements = new Map<string, Statement<unknown[]>>()
  const readRows: Database['readRows'] = async (text, values) => {
    let statement = statements.get(text)
    if (statement === undefined) {
      statement = client.prepare<unknown[]>(text)
      // better-sqlite3 reads rows only from a statement that returns data (a write has none).
      if (statement.reader) statement.raw(true)
      statements.set(text, statement)
    }
    if (statement.reader) return statement.all(...values) as unknown[][]
    statement.run(...values)
    return []
  }
  const inTx = wrapDrizzle({
    ...base,
    readRows,
    transaction: nested,
    close: () => Promise.reject(new Error('Close the database, not a transaction')),
  })
  return wrapDrizzle({
    ...base,
    readRows,
    transaction: (work) =>
      gate.run(async () => {
        client.exec('BEGIN IMMEDIATE')
        try {
          const result = await work(inTx)
          client.exec('COMMIT')
          return result
        } catch (error) {
          // A failed COMMIT or some errors (e.g. SQLITE_FULL) already ended the transaction.
          if (client.inTransaction) client.exec('ROLLBACK')
          throw error
        }
      }),
    close: async () => {
      client.close()
    },
  })
}
