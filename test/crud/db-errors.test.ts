import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { eq, sql } from 'drizzle-orm'
import { DrizzleQueryError } from 'drizzle-orm/errors'
import type { Database } from '../../src/crud/database.ts'
import { classify } from '../../src/crud/db-errors.ts'
import { PoolTimeoutError } from '../../src/crud/dialects/gate.ts'
import { type FieldError, HttpError, toProblem } from '../../src/errors.ts'
import { forEachDatabase } from '../helpers/databases.ts'
import { createTables, tablesFor } from '../helpers/schema/index.ts'

const ADA = { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' }

interface Expected {
  status: number
  code: string
  detail: string
  errors?: FieldError[]
}

/** Runs `work`, which must fail, and checks the HttpError its error maps to. */
async function assertClassified(
  db: Database,
  work: () => Promise<unknown>,
  expected: Expected,
): Promise<void> {
  let error: unknown
  try {
    await work()
  } catch (caught) {
    error = caught
  }
  assert.ok(error !== undefined, 'expected the statement to fail')
  const problem = db.classify(error)
  assert.ok(problem instanceof HttpError, `not classified: ${String(error)}`)
  assert.deepEqual(
    { status: problem.status, code: problem.code, detail: problem.message, errors: problem.errors },
    { errors: undefined, ...expected },
  )
  assert.equal(problem.headers, undefined)
  assert.equal(problem.cause, error)
  // No leak: the problem a client sees holds neither the SQL nor any row's values.
  const body = JSON.stringify(toProblem(problem))
  for (const secret of ['insert', 'delete', 'Lovelace', 'ada@example.com', 'Failed', '99']) {
    assert.ok(!body.includes(secret), `${secret} leaked in ${body}`)
  }
}

const body = (path: string, message: string): FieldError[] => [{ in: 'body', path, message }]

/** The CHECK test table, per dialect. */
const SCORES: Record<Database['dialect'], string> = {
  postgresql: 'CREATE TABLE scores (id serial PRIMARY KEY, points integer NOT NULL CHECK (points >= 0))',
  sqlite: 'CREATE TABLE scores (id integer PRIMARY KEY, points integer NOT NULL CHECK (points >= 0))',
  mysql: 'CREATE TABLE scores (id int AUTO_INCREMENT PRIMARY KEY, points int NOT NULL CHECK (points >= 0))',
}

forEachDatabase('classify on real violations', (target) => {
  let db: Database
  let tables: ReturnType<typeof tablesFor>
  const is = (...drivers: string[]) => drivers.includes(target.name)

  async function run(statement: string): Promise<void> {
    if (db.dialect === 'sqlite') await db.drizzle.run(sql.raw(statement))
    else await db.drizzle.execute(sql.raw(statement))
  }

  before(async () => {
    db = await target.connect()
    await createTables(db)
    tables = tablesFor(db)
    await db.drizzle.insert(tables.members).values(ADA)
    await db.drizzle.insert(tables.lists).values({ name: 'weekly' })
    await db.drizzle.insert(tables.subscriptions).values({ member_id: 1, list_id: 1 })
    await run(SCORES[db.dialect])
  })
  after(() => db.close())

  it('a duplicate email is 409 UNIQUE_VIOLATION naming email', async () => {
    await assertClassified(
      db,
      () => db.drizzle.insert(tables.members).values({ ...ADA, first_name: 'Augusta' }),
      {
        status: 409,
        code: 'UNIQUE_VIOLATION',
        detail: 'The email is already taken.',
        errors: body('/email', 'is already taken'),
      },
    )
  })

  it('a duplicate primary key is 409 UNIQUE_VIOLATION (naming id where the driver tells)', async () => {
    const named = !is('mysql') // MySQL/MariaDB say only "for key 'PRIMARY'"
    await assertClassified(
      db,
      () => db.drizzle.insert(tables.members).values({ id: 1, ...ADA, email: 'other@example.com' }),
      {
        status: 409,
        code: 'UNIQUE_VIOLATION',
        detail: named ? 'The id is already taken.' : 'A unique value is already taken.',
        ...(named ? { errors: body('/id', 'is already taken') } : {}),
      },
    )
  })

  it('a reference to a missing row is 409 FOREIGN_KEY_VIOLATION', async () => {
    const named = !is('sqlite') // SQLite says only "FOREIGN KEY constraint failed"
    await assertClassified(
      db,
      () => db.drizzle.insert(tables.subscriptions).values({ member_id: 99, list_id: 1 }),
      {
        status: 409,
        code: 'FOREIGN_KEY_VIOLATION',
        detail: named
          ? 'The member_id refers to a row that does not exist.'
          : 'A foreign key failed: a referenced row is missing, or the row is still referenced.',
        ...(named ? { errors: body('/member_id', 'refers to a row that does not exist') } : {}),
      },
    )
  })

  it('deleting a row still referenced is 409 FOREIGN_KEY_VIOLATION', async () => {
    await assertClassified(db, () => db.drizzle.delete(tables.lists).where(eq(tables.lists.id, 1)), {
      status: 409,
      code: 'FOREIGN_KEY_VIOLATION',
      detail: is('sqlite')
        ? 'A foreign key failed: a referenced row is missing, or the row is still referenced.'
        : 'The row is still referenced by other rows.',
    })
  })

  it('a missing required column is 400 NOT_NULL_VIOLATION naming it', async () => {
    // MySQL/MariaDB report a left-out column as "doesn't have a default value" (strict mode).
    await assertClassified(
      db,
      () => db.drizzle.insert(tables.members).values({ first_name: 'Grace', email: 'grace@example.com' }),
      {
        status: 400,
        code: 'NOT_NULL_VIOLATION',
        detail: 'The last_name is required.',
        errors: body('/last_name', 'is required'),
      },
    )
  })

  it('an explicit null is 400 NOT_NULL_VIOLATION naming the column', async () => {
    await assertClassified(
      db,
      () => db.drizzle.update(tables.members).set({ last_name: null }).where(eq(tables.members.id, 1)),
      {
        status: 400,
        code: 'NOT_NULL_VIOLATION',
        detail: 'The last_name is required.',
        errors: body('/last_name', 'is required'),
      },
    )
  })

  it('a failed CHECK is 400 CHECK_VIOLATION (naming the column where the driver tells)', async () => {
    const named = !is('sqlite') // SQLite gives the expression, not the column
    await assertClassified(db, () => run('INSERT INTO scores (points) VALUES (-1)'), {
      status: 400,
      code: 'CHECK_VIOLATION',
      detail: named ? 'The points is not allowed.' : 'A value is not allowed.',
      ...(named ? { errors: body('/points', 'is not allowed') } : {}),
    })
  })

  it('a violation inside a transaction is classified and rolls the transaction back', async () => {
    await assertClassified(
      db,
      () =>
        db.transaction(async (tx) => {
          await tx.drizzle.insert(tables.lists).values({ name: 'daily' })
          await tx.drizzle.insert(tables.members).values(ADA)
        }),
      {
        status: 409,
        code: 'UNIQUE_VIOLATION',
        detail: 'The email is already taken.',
        errors: body('/email', 'is already taken'),
      },
    )
    const names = await db.drizzle.select({ name: tables.lists.name }).from(tables.lists)
    assert.deepEqual(names, [{ name: 'weekly' }])
  })

  it('deleting a member cascades to its subscriptions (no error)', async () => {
    await db.drizzle.delete(tables.members).where(eq(tables.members.id, 1))
    assert.deepEqual(await db.drizzle.select().from(tables.subscriptions), [])
  })

  it('a query on a missing table is not classified (a bug: 500)', async () => {
    let error: unknown
    try {
      await run('SELECT * FROM no_such_table')
    } catch (caught) {
      error = caught
    }
    assert.ok(error)
    assert.equal(db.classify(error), null)
  })
})

describe('classify on error shapes', () => {
  const pgUnique = Object.assign(
    new Error('duplicate key value violates unique constraint "members_email_unique"'),
    {
      code: '23505',
      detail: 'Key (email)=(ada@example.com) already exists.',
      table_name: 'members',
      constraint_name: 'members_email_unique',
    },
  )
  const taken = (column: string) => ({
    status: 409,
    code: 'UNIQUE_VIOLATION',
    message: `The ${column} is already taken.`,
    errors: body(`/${column}`, 'is already taken'),
  })
  const fields = (error: HttpError | null) =>
    error && { status: error.status, code: error.code, message: error.message, errors: error.errors }

  it('unknown errors and non-errors are null', () => {
    for (const value of [
      new Error('boom'),
      new TypeError('x is not a function'),
      Object.assign(new Error('syntax'), { code: '42601' }), // a SQL syntax error is our bug
      Object.assign(new Error('perm'), { code: 'EACCES' }),
      new HttpError(409, 'already an HttpError'),
      null,
      undefined,
      'a string',
      42,
      {},
    ]) {
      assert.equal(classify(value), null, String(value))
    }
  })

  it("walks Drizzle's DrizzleQueryError and any cause chain", () => {
    const wrapped = new DrizzleQueryError('insert into "members" ... ', ['ada@example.com'], pgUnique)
    assert.deepEqual(fields(classify(wrapped)), taken('email'))
    const deeper = new Error('outer', { cause: new Error('middle', { cause: wrapped }) })
    assert.deepEqual(fields(classify(deeper)), taken('email'))
    assert.equal(classify(deeper)?.cause, deeper)
  })

  it('stops on a cyclic or endless cause chain', () => {
    const a: { cause?: unknown } = new Error('a')
    const b = new Error('b', { cause: a })
    a.cause = b
    assert.equal(classify(a), null)
    let endless: Error = pgUnique
    for (let i = 0; i < 100; i++) endless = new Error(`wrap ${i}`, { cause: endless })
    assert.equal(classify(endless), null) // past the bound: treated as unknown, not walked forever
  })

  it('reads the column from the constraint name when the detail has none', () => {
    const expression = { ...pgUnique, detail: 'Key (lower(email))=(ada@example.com) already exists.' }
    assert.deepEqual(fields(classify(expression)), taken('email'))
    const pgDefault = { code: '23505', table: 'members', constraint: 'members_email_key' } // PGlite's field names
    assert.deepEqual(fields(classify(pgDefault)), taken('email'))
    const custom = { code: '23505', table_name: 'members', constraint_name: 'uq_email' }
    assert.deepEqual(fields(classify(custom)), {
      status: 409,
      code: 'UNIQUE_VIOLATION',
      message: 'A unique value is already taken.',
      errors: undefined,
    })
  })

  it('names every column of a composite key, quoted or not', () => {
    const composite = { code: '23505', detail: 'Key (list_id, "Member")=(1, 2) already exists.' }
    assert.deepEqual(classify(composite)?.errors, [
      { in: 'body', path: '/list_id', message: 'is already taken' },
      { in: 'body', path: '/Member', message: 'is already taken' },
    ])
    const sqlite = {
      code: 'SQLITE_CONSTRAINT_UNIQUE',
      message: 'UNIQUE constraint failed: subs.list_id, subs.member_id',
    }
    assert.deepEqual(classify(sqlite)?.errors, [
      { in: 'body', path: '/list_id', message: 'is already taken' },
      { in: 'body', path: '/member_id', message: 'is already taken' },
    ])
  })

  it("reads MySQL's table.index key and MariaDB's index with the table from the statement", () => {
    const mysql8 = {
      errno: 1062,
      code: 'ER_DUP_ENTRY',
      sqlMessage: "Duplicate entry 'ada@example.com' for key 'members.members_email_unique'",
    }
    assert.deepEqual(fields(classify(mysql8)), taken('email'))
    const mariadb = Object.assign(new Error('Duplicate entry'), {
      ...mysql8,
      sqlMessage: "Duplicate entry 'x' for key 'members_email_unique'",
    })
    assert.deepEqual(
      fields(classify(new DrizzleQueryError('insert into `members` (`id`) values (?)', [], mariadb))),
      taken('email'),
    )
    assert.deepEqual(
      fields(classify({ ...mariadb, sql: 'update `members` set `email` = ?' })),
      taken('email'),
    )
    // without the statement, MariaDB's key names no table: no column is guessed
    assert.equal(classify(mariadb)?.errors, undefined)
    // MySQL's check constraint names no column
    const mysqlCheck = {
      errno: 3819,
      code: 'ER_CHECK_CONSTRAINT_VIOLATED',
      sqlMessage: "Check constraint 'scores_chk_1' is violated.",
    }
    assert.deepEqual(fields(classify(mysqlCheck)), {
      status: 400,
      code: 'CHECK_VIOLATION',
      message: 'A value is not allowed.',
      errors: undefined,
    })
  })

  it('an unreachable, closed, busy or exhausted database is 503 with Retry-After', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })
    for (const error of [
      refused,
      new AggregateError([refused], 'dual-stack connect failed'), // Node's autoSelectFamily
      Object.assign(new Error('write CONNECT_TIMEOUT'), { code: 'CONNECT_TIMEOUT' }), // postgres.js
      Object.assign(new Error('Connection lost'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true }), // mysql2
      new Error('Pool is closed.'), // mysql2
      new Error('PGlite is closed'),
      new TypeError('The database connection is not open'), // better-sqlite3
      new PoolTimeoutError(5000),
      { code: '57P01', message: 'terminating connection due to administrator command' },
      { code: '08006', message: 'connection failure' },
      { code: '57014', message: 'canceling statement due to statement timeout' },
      { code: 'SQLITE_BUSY', message: 'database is locked' },
      { errno: 1969, code: 'ER_STATEMENT_TIMEOUT', sqlMessage: 'Query execution was interrupted' },
      { errno: 1040, code: 'ER_CON_COUNT_ERROR', sqlMessage: 'Too many connections' },
    ]) {
      const problem = classify(new DrizzleQueryError('select 1', [], error as Error))
      assert.ok(problem, `not classified: ${JSON.stringify(error)}`)
      assert.equal(problem.status, 503)
      assert.equal(problem.code, 'DATABASE_UNAVAILABLE')
      assert.deepEqual(problem.headers, { 'retry-after': '5' })
      assert.match(problem.message, /^The database is (unavailable|busy); retry later\.$/)
    }
  })

  it('renders as a problem body with no driver text', () => {
    const problem = classify(
      new DrizzleQueryError('insert into "members" values ($1)', ['ada@example.com'], pgUnique),
    )
    assert.ok(problem)
    assert.deepEqual(toProblem(problem, '/api/v1/members'), {
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
      code: 'UNIQUE_VIOLATION',
      detail: 'The email is already taken.',
      instance: '/api/v1/members',
      errors: [{ in: 'body', path: '/email', message: 'is already taken' }],
    })
  })
})
