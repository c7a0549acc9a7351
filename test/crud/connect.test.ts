import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { count, eq, sql } from 'drizzle-orm'
import { connectDatabase } from '../../src/crud/connect.ts'
import type { Database } from '../../src/crud/database.ts'
import { sqliteFilename } from '../../src/crud/dialects/sqlite.ts'
import { HttpError } from '../../src/errors.ts'
import { loadOptional } from '../../src/optional-dependency.ts'
import { forEachDatabase, MYSQL_URL, POSTGRES_URL } from '../helpers/databases.ts'
import { createTables, tablesFor } from '../helpers/schema/index.ts'

const ADA = { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' }
const GRACE = { first_name: 'Grace', last_name: 'Hopper', email: 'grace@example.com' }

async function memberCount(db: Database): Promise<number> {
  const { members } = tablesFor(db)
  const [row] = await db.drizzle.select({ n: count() }).from(members)
  return Number(row.n)
}

/** Asserts the 503 every unreachable, closed or exhausted database answers. */
function assertUnavailable(db: Database, error: unknown): void {
  const problem = db.classify(error)
  assert.ok(problem instanceof HttpError, `not classified: ${String(error)}`)
  assert.equal(problem.status, 503)
  assert.equal(problem.code, 'DATABASE_UNAVAILABLE')
  assert.deepEqual(problem.headers, { 'retry-after': '5' })
}

/** Runs `work`, which must reject, and returns the error and how long it took. */
async function timeRejection(work: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const start = performance.now()
  try {
    await work()
  } catch (error) {
    return { error, ms: performance.now() - start }
  }
  assert.fail('expected a rejection')
}

forEachDatabase('connectDatabase', (target) => {
  it('connects and runs queries', async (t) => {
    const db = await target.connect()
    t.after(() => db.close())
    assert.equal(db.driver, target.name)
    assert.equal(
      db.dialect,
      { pglite: 'postgresql', postgres: 'postgresql', sqlite: 'sqlite', mysql: 'mysql' }[target.name],
    )
    assert.equal(db.supportsReturning, target.name !== 'mysql')
    await createTables(db)
    const { members } = tablesFor(db)
    await db.drizzle.insert(members).values([ADA, GRACE])
    const rows = await db.drizzle.select().from(members).orderBy(members.id)
    assert.deepEqual(rows, [
      { id: 1, ...ADA },
      { id: 2, ...GRACE },
    ])
  })

  it('commits a transaction, with the transaction as `drizzle`', async (t) => {
    const db = await target.connect()
    t.after(() => db.close())
    await createTables(db)
    const { members } = tablesFor(db)
    const result = await db.transaction(async (tx) => {
      // SQLite's transaction is its one connection (see dialects/sqlite.ts)
      if (target.name === 'sqlite') assert.equal(tx.drizzle, db.drizzle)
      else assert.notEqual(tx.drizzle, db.drizzle)
      assert.equal(tx.dialect, db.dialect)
      assert.equal(tx.driver, db.driver)
      assert.equal(tx.supportsReturning, db.supportsReturning)
      await tx.drizzle.insert(members).values(ADA)
      return 'done'
    })
    assert.equal(result, 'done')
    assert.equal(await memberCount(db), 1)
  })

  it('rolls everything back when the work throws', async (t) => {
    const db = await target.connect()
    t.after(() => db.close())
    await createTables(db)
    const { members } = tablesFor(db)
    await assert.rejects(
      db.transaction(async (tx) => {
        await tx.drizzle.insert(members).values(ADA)
        assert.equal(await memberCount(tx), 1) // visible inside
        throw new Error('changed my mind')
      }),
      { message: 'changed my mind' },
    )
    assert.equal(await memberCount(db), 0)
    // and the database is usable afterwards
    await db.drizzle.insert(members).values(ADA)
    assert.equal(await memberCount(db), 1)
  })

  it('rolls back to a savepoint for a nested transaction', async (t) => {
    const db = await target.connect()
    t.after(() => db.close())
    await createTables(db)
    const { members } = tablesFor(db)
    await db.transaction(async (tx) => {
      await tx.drizzle.insert(members).values(ADA)
      await assert.rejects(
        tx.transaction(async (inner) => {
          await inner.drizzle.insert(members).values(GRACE)
          throw new Error('inner only')
        }),
        { message: 'inner only' },
      )
    })
    const rows = await db.drizzle.select({ email: members.email }).from(members)
    assert.deepEqual(rows, [{ email: ADA.email }])
  })

  it('rolls back a transaction whose statement fails, and classifies the error', async (t) => {
    const db = await target.connect()
    t.after(() => db.close())
    await createTables(db)
    const { members } = tablesFor(db)
    await db.drizzle.insert(members).values(ADA)
    const { error } = await timeRejection(() =>
      db.transaction(async (tx) => {
        await tx.drizzle.insert(members).values(GRACE)
        await tx.drizzle.insert(members).values({ ...GRACE, email: ADA.email })
      }),
    )
    assert.equal(db.classify(error)?.code, 'UNIQUE_VIOLATION')
    const emails = await db.drizzle.select({ email: members.email }).from(members)
    assert.deepEqual(emails, [{ email: ADA.email }])
  })

  it('runs concurrent transactions side by side (SQLite: one after the other)', async (t) => {
    const db = await target.connect()
    t.after(() => db.close())
    await createTables(db)
    const { members } = tablesFor(db)
    const add = (member: typeof ADA) =>
      db.transaction(async (tx) => {
        await new Promise((resolve) => setTimeout(resolve, 20)) // overlap the two
        await tx.drizzle.insert(members).values(member)
      })
    await Promise.all([add(ADA), add(GRACE)])
    assert.equal(await memberCount(db), 2)
  })

  it('refuses to close a transaction', async (t) => {
    const db = await target.connect()
    t.after(() => db.close())
    await db.transaction(async (tx) => {
      await assert.rejects(tx.close(), { message: 'Close the database, not a transaction' })
    })
  })

  it('after close, a query fails with a 503', async () => {
    const db = await target.connect()
    await createTables(db)
    const { members } = tablesFor(db)
    await db.close()
    const { error } = await timeRejection(async () => db.drizzle.select().from(members))
    assertUnavailable(db, error)
  })
})

forEachDatabase(
  'transactions are isolated',
  (target) => {
    it('a query outside an open transaction does not see its rows, nor wait for it', async (t) => {
      const db = await target.connect()
      t.after(() => db.close())
      await createTables(db)
      const { members } = tablesFor(db)
      let inside!: () => void
      const insertedInside = new Promise<void>((resolve) => {
        inside = resolve
      })
      let finish!: () => void
      const finished = new Promise<void>((resolve) => {
        finish = resolve
      })
      const tx = db.transaction(async (tx) => {
        await tx.drizzle.insert(members).values(ADA)
        inside()
        await finished
      })
      await insertedInside
      // PGlite, a single connection, makes the outside query wait for the transaction.
      const outside = memberCount(db)
      if (target.name !== 'pglite') assert.equal(await outside, 0)
      finish()
      await tx
      assert.equal(await outside, target.name === 'pglite' ? 1 : 0)
      assert.equal(await memberCount(db), 1)
    })
  },
  // SQLite is one connection: statements outside a transaction run inside it (see dialects/sqlite.ts).
  ['pglite', 'postgres', 'mysql'],
)

describe('the embedded database (PGlite)', () => {
  it('persists in dataDir across reconnects, creating the folder', async (t) => {
    const root = await mkdtemp(join(tmpdir(), 'saker-pglite-'))
    t.after(() => rm(root, { recursive: true, force: true }))
    const dataDir = join(root, 'nested', 'pglite')
    const first = await connectDatabase({ url: '', dataDir })
    assert.equal(first.driver, 'pglite')
    await createTables(first)
    await first.drizzle.insert(tablesFor(first).members).values(ADA)
    await first.close()

    const second = await connectDatabase({ url: '', dataDir })
    t.after(() => second.close())
    const { members } = tablesFor(second)
    const rows = await second.drizzle.select().from(members).where(eq(members.email, ADA.email))
    assert.deepEqual(rows, [{ id: 1, ...ADA }])
  })

  it('without a url or DATABASE_URL, lives in ./.data/pglite', async (t) => {
    const root = await mkdtemp(join(tmpdir(), 'saker-cwd-'))
    const cwd = process.cwd()
    const env = process.env.DATABASE_URL
    process.chdir(root)
    delete process.env.DATABASE_URL
    t.after(async () => {
      process.chdir(cwd)
      if (env !== undefined) process.env.DATABASE_URL = env
      await rm(root, { recursive: true, force: true })
    })
    const db = await connectDatabase()
    await db.drizzle.execute(sql`create table marker (id int)`)
    await db.close()
    const again = await connectDatabase({ dataDir: join(root, '.data', 'pglite') })
    t.after(() => again.close())
    const { rows } = await again.drizzle.execute(sql`select count(*)::int as n from marker`)
    assert.deepEqual(rows, [{ n: 0 }])
  })
})

describe('choosing the driver', () => {
  it('reads DATABASE_URL when no url is given', async (t) => {
    const env = process.env.DATABASE_URL
    process.env.DATABASE_URL = 'sqlite::memory:'
    t.after(() => {
      if (env === undefined) delete process.env.DATABASE_URL
      else process.env.DATABASE_URL = env
    })
    const db = await connectDatabase()
    t.after(() => db.close())
    assert.equal(db.driver, 'sqlite')
    assert.equal(db.dialect, 'sqlite')
  })

  it('refuses a pool size that is not a whole number of connections, at least 1', async () => {
    for (const max of [0, 2.5, -1]) {
      await assert.rejects(connectDatabase({ url: POSTGRES_URL, pool: { max } }), {
        name: 'RangeError',
        message: `pool.max must be a whole number of connections, at least 1 (got ${max})`,
      })
    }
  })

  it('refuses an unknown scheme without echoing the URL (it may hold a password)', async () => {
    await assert.rejects(connectDatabase({ url: 'mongodb://admin:s3cret@127.0.0.1/x' }), (error: Error) => {
      assert.equal(
        error.message,
        'Unsupported database URL scheme "mongodb:": use postgres://, postgresql://, sqlite:, mysql:// or mariadb://',
      )
      return true
    })
  })

  it('reads the file of every sqlite: URL form', () => {
    assert.equal(sqliteFilename('sqlite:///var/lib/app/data.db'), '/var/lib/app/data.db')
    assert.equal(sqliteFilename('sqlite:relative/data.db'), 'relative/data.db')
    assert.equal(sqliteFilename('sqlite://relative.db'), 'relative.db')
    assert.equal(sqliteFilename('sqlite::memory:'), ':memory:')
    assert.equal(sqliteFilename('sqlite:///tmp/with%20space.db'), '/tmp/with space.db')
  })

  it('sets SQLite to WAL, with foreign keys on and the busy timeout given', async (t) => {
    const root = await mkdtemp(join(tmpdir(), 'saker-sqlite-'))
    t.after(() => rm(root, { recursive: true, force: true }))
    const db = await connectDatabase({
      url: `sqlite://${join(root, 'app.db')}`,
      sqlite: { busyTimeout: 1234 },
    })
    t.after(() => db.close())
    assert.deepEqual(db.drizzle.all(sql`pragma journal_mode`), [{ journal_mode: 'wal' }])
    assert.deepEqual(db.drizzle.all(sql`pragma foreign_keys`), [{ foreign_keys: 1 }])
    assert.deepEqual(db.drizzle.all(sql`pragma busy_timeout`), [{ timeout: 1234 }])
  })

  it('names the package to install when a driver is missing', async () => {
    const missing = 'saker-no-such-driver'
    await assert.rejects(
      loadOptional(missing, 'A PostgreSQL URL', () => import(missing)),
      (error: Error) => {
        assert.equal(
          error.message,
          `A PostgreSQL URL needs the \`${missing}\` package: npm install ${missing}`,
        )
        return true
      },
    )
    // any other failure passes through untouched
    const broken = new Error('syntax error in the driver')
    await assert.rejects(
      loadOptional(missing, 'x', () => Promise.reject(broken)),
      (error) => error === broken,
    )
  })
})

describe('a server that cannot be reached answers 503 within the acquire timeout', () => {
  const acquireTimeout = 400
  // generous: the bound under test is acquireTimeout, the slack is for a loaded CI machine
  const limit = acquireTimeout + 1_500

  it('PostgreSQL refusing connections (port 1)', async () => {
    const db = await connectDatabase({
      url: 'postgres://postgres@127.0.0.1:1/test',
      pool: { acquireTimeout },
    })
    const { error, ms } = await timeRejection(() => db.drizzle.execute(sql`select 1`))
    await db.close()
    assertUnavailable(db, error)
    assert.ok(ms < limit, `took ${ms} ms`)
  })

  it('PostgreSQL accepting the socket but never answering', async (t) => {
    const silent = await silentServer()
    t.after(() => silent.close())
    const db = await connectDatabase({
      url: `postgres://postgres@127.0.0.1:${silent.port}/test`,
      pool: { acquireTimeout },
    })
    const { error, ms } = await timeRejection(() => db.drizzle.execute(sql`select 1`))
    await db.close()
    assertUnavailable(db, error)
    assert.ok(ms >= acquireTimeout - 50 && ms < limit, `took ${ms} ms`)
  })

  it('MySQL/MariaDB refusing connections (port 1)', async () => {
    const db = await connectDatabase({ url: 'mysql://root@127.0.0.1:1/test', pool: { acquireTimeout } })
    const { error, ms } = await timeRejection(() => db.drizzle.execute(sql`select 1`))
    await db.close()
    assertUnavailable(db, error)
    assert.ok(ms < limit, `took ${ms} ms`)
  })

  it('MySQL/MariaDB accepting the socket but never answering', async (t) => {
    const silent = await silentServer()
    t.after(() => silent.close())
    const db = await connectDatabase({
      url: `mysql://root@127.0.0.1:${silent.port}/test`,
      pool: { acquireTimeout },
    })
    const { error, ms } = await timeRejection(() => db.drizzle.execute(sql`select 1`))
    await db.close()
    assertUnavailable(db, error)
    assert.ok(ms >= acquireTimeout - 50 && ms < limit, `took ${ms} ms`)
  })
})

const SERVER_URLS = { postgres: POSTGRES_URL, mysql: MYSQL_URL }

forEachDatabase(
  'pool limits',
  (target) => {
    const url = SERVER_URLS[target.name as 'postgres' | 'mysql']
    const sleep = target.name === 'postgres' ? sql`select pg_sleep(2)` : sql`select sleep(2)`

    it('an exhausted pool answers 503 after acquireTimeout, then recovers', async (t) => {
      const acquireTimeout = 300
      const db = await connectDatabase({ url, pool: { max: 1, acquireTimeout } })
      t.after(() => db.close())
      let release!: () => void
      const held = db.transaction(
        () =>
          new Promise<void>((resolve) => {
            release = resolve
          }),
      )
      await new Promise((resolve) => setTimeout(resolve, 100)) // the transaction takes the one connection
      const { error, ms } = await timeRejection(() => db.drizzle.execute(sql`select 1`))
      assertUnavailable(db, error)
      assert.ok(ms >= acquireTimeout - 50 && ms < acquireTimeout + 1_000, `took ${ms} ms`)
      release()
      await held
      await db.drizzle.execute(sql`select 1`)
    })

    it('a statement past statementTimeout is stopped and answers 503', async (t) => {
      const db = await connectDatabase({ url, pool: { statementTimeout: 200 } })
      t.after(() => db.close())
      const { error, ms } = await timeRejection(() => db.drizzle.execute(sleep))
      assertUnavailable(db, error)
      assert.ok(ms < 1_500, `took ${ms} ms`)
    })
  },
  ['postgres', 'mysql'],
)

/** A TCP server that accepts connections and never writes a byte. */
async function silentServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>()
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  assert.ok(address !== null && typeof address === 'object')
  return {
    port: address.port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
