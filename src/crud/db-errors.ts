/**
 * Driver errors → the HttpError a client should see. The details are our own words: a
 * driver's message or detail can hold the SQL and other rows' values, so none of it is
 * copied, only the column names read from it.
 */
import { type FieldError, HttpError } from '../errors.ts'

type Kind = 'unique' | 'foreignKey' | 'referenced' | 'notNull' | 'check' | 'unavailable' | 'busy'

/** What one driver error means, and which columns it names (if it tells). */
interface Reading {
  kind: Kind
  columns?: string[]
}

/** A driver error's fields, across PGlite, postgres.js, better-sqlite3 and mysql2. */
interface DriverError {
  code?: unknown
  errno?: unknown
  message?: unknown
  detail?: unknown
  table?: unknown
  table_name?: unknown
  column?: unknown
  column_name?: unknown
  constraint?: unknown
  constraint_name?: unknown
  sqlMessage?: unknown
  sql?: unknown
  query?: unknown
  cause?: unknown
  errors?: unknown
}

// PERF: the chain is short (Drizzle's wrapper, the driver error); the bound only guards
// against a pathological or cyclic `cause`.
const MAX_LINKS = 16

/**
 * Maps a database error, also wrapped (Drizzle's `DrizzleQueryError`, any `cause` chain),
 * to a 409, 400 or 503 HttpError; `null` when it is not one the client can act on.
 *
 * @example
 * try { await db.drizzle.insert(members).values(body) }
 * catch (error) { throw db.classify(error) ?? error }
 */
export function classify(error: unknown): HttpError | null {
  const seen = new Set<unknown>()
  const queue: unknown[] = [error]
  let query: string | undefined
  while (queue.length > 0 && seen.size < MAX_LINKS) {
    const link = queue.shift()
    if (typeof link !== 'object' || link === null || seen.has(link)) continue
    seen.add(link)
    const e = link as DriverError
    // Drizzle's wrapper (or mysql2's error) carries the SQL: read for the table name only.
    if (query === undefined) query = text(e.query) ?? text(e.sql)
    const reading = readPostgres(e) ?? readSqlite(e) ?? readMysql(e, query) ?? readUnavailable(e)
    if (reading) return toHttpError(reading, error)
    queue.push(e.cause)
    if (Array.isArray(e.errors)) queue.push(...e.errors) // AggregateError (e.g. a refused dual-stack connect)
  }
  return null
}

const RETRY_AFTER = { 'retry-after': '5' }

function toHttpError({ kind, columns = [] }: Reading, cause: unknown): HttpError {
  const named = columns.join(', ')
  const errors = (message: string): FieldError[] | undefined =>
    columns.length > 0
      ? columns.map((column) => ({ in: 'body', path: `/${pointer(column)}`, message }))
      : undefined
  switch (kind) {
    case 'unique':
      return new HttpError(
        409,
        named ? `The ${named} is already taken.` : 'A unique value is already taken.',
        {
          code: 'UNIQUE_VIOLATION',
          errors: errors('is already taken'),
          cause,
        },
      )
    case 'foreignKey':
      return new HttpError(
        409,
        named
          ? `The ${named} refers to a row that does not exist.`
          : // SQLite tells neither the column nor which side of the key failed.
            'A foreign key failed: a referenced row is missing, or the row is still referenced.',
        { code: 'FOREIGN_KEY_VIOLATION', errors: errors('refers to a row that does not exist'), cause },
      )
    case 'referenced':
      return new HttpError(409, 'The row is still referenced by other rows.', {
        code: 'FOREIGN_KEY_VIOLATION',
        cause,
      })
    case 'notNull':
      return new HttpError(400, named ? `The ${named} is required.` : 'A required value is missing.', {
        code: 'NOT_NULL_VIOLATION',
        errors: errors('is required'),
        cause,
      })
    case 'check':
      return new HttpError(400, named ? `The ${named} is not allowed.` : 'A value is not allowed.', {
        code: 'CHECK_VIOLATION',
        errors: errors('is not allowed'),
        cause,
      })
    case 'unavailable':
    case 'busy':
      return new HttpError(
        503,
        kind === 'busy' ? 'The database is busy; retry later.' : 'The database is unavailable; retry later.',
        { code: 'DATABASE_UNAVAILABLE', headers: RETRY_AFTER, cause },
      )
  }
}

// --- PostgreSQL and PGlite: SQLSTATE codes, with the columns in `detail` -------------

const PG_CODES: Record<string, Kind> = {
  '23505': 'unique',
  '23503': 'foreignKey',
  '23502': 'notNull',
  '23514': 'check',
  '57014': 'busy', // query_canceled: the statement timeout
  '40001': 'busy', // serialization_failure
  '40P01': 'busy', // deadlock_detected
  '53300': 'unavailable', // too_many_connections
  '57P01': 'unavailable', // admin_shutdown
  '57P02': 'unavailable', // crash_shutdown
  '57P03': 'unavailable', // cannot_connect_now
}

function readPostgres(e: DriverError): Reading | null {
  const code = text(e.code)
  if (code === undefined || !/^[0-9A-Z]{5}$/.test(code)) return null
  // Class 08 is every connection exception.
  const kind = PG_CODES[code] ?? (code.startsWith('08') ? 'unavailable' : undefined)
  if (kind === undefined) return null
  const detail = text(e.detail) ?? ''
  const table = text(e.table) ?? text(e.table_name)
  const constraint = text(e.constraint) ?? text(e.constraint_name)
  switch (kind) {
    case 'unique':
      // "Key (email)=(x) already exists." (the values are never read)
      return { kind, columns: keyColumns(detail) ?? fromConstraint(constraint, table, ['key', 'unique']) }
    case 'foreignKey':
      // "... is still referenced from table ..." is a delete of a parent row.
      if (detail.includes('is still referenced')) return { kind: 'referenced' }
      return { kind, columns: keyColumns(detail) ?? fromConstraint(constraint, table, ['fkey']) }
    case 'notNull': {
      const column = text(e.column) ?? text(e.column_name)
      return { kind, columns: column === undefined ? undefined : [column] }
    }
    case 'check':
      return { kind, columns: fromConstraint(constraint, table, ['check']) }
    default:
      return { kind }
  }
}

/** The columns of `Key (a, b)=(...)`, unless one is an expression. */
function keyColumns(detail: string): string[] | undefined {
  const match = /^Key \((.+?)\)=\(/.exec(detail)
  if (!match?.[1]) return undefined
  const columns = match[1].split(', ').map((name) => name.replace(/^"(.*)"$/, '$1').replaceAll('""', '"'))
  return columns.every(isIdentifier) ? columns : undefined
}

/** PostgreSQL's and Drizzle's default names: `<table>_<column>_<suffix>`. */
function fromConstraint(constraint: string | undefined, table: string | undefined, suffixes: string[]) {
  if (constraint === undefined || table === undefined || !constraint.startsWith(`${table}_`)) return undefined
  for (const suffix of suffixes) {
    if (!constraint.endsWith(`_${suffix}`)) continue
    const column = constraint.slice(table.length + 1, -(suffix.length + 1))
    return isIdentifier(column) ? [column] : undefined
  }
  return undefined
}

// --- SQLite (better-sqlite3): extended result codes, columns as `table.column` ------------

const SQLITE_CODES: Record<string, Kind> = {
  SQLITE_CONSTRAINT_UNIQUE: 'unique',
  SQLITE_CONSTRAINT_PRIMARYKEY: 'unique',
  SQLITE_CONSTRAINT_FOREIGNKEY: 'foreignKey',
  SQLITE_CONSTRAINT_NOTNULL: 'notNull',
  SQLITE_CONSTRAINT_CHECK: 'check',
}

function readSqlite(e: DriverError): Reading | null {
  const code = text(e.code)
  if (code === undefined || !code.startsWith('SQLITE_')) return null
  // The write lock stayed taken for the whole busy timeout.
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return { kind: 'busy' }
  const kind = SQLITE_CODES[code]
  if (kind === undefined) return null
  // "UNIQUE constraint failed: members.email" / "NOT NULL constraint failed: members.first_name"
  const listed = /constraint failed: ((?:\w+\.\w+)(?:, \w+\.\w+)*)$/.exec(text(e.message) ?? '')?.[1]
  if (listed === undefined || kind === 'check') return { kind }
  return { kind, columns: listed.split(', ').map((name) => name.slice(name.indexOf('.') + 1)) }
}

// --- MySQL and MariaDB (mysql2): errno, columns in the message ------------------------

const MYSQL_ERRNOS: Record<number, Kind> = {
  1062: 'unique', // ER_DUP_ENTRY
  1452: 'foreignKey', // ER_NO_REFERENCED_ROW_2
  1451: 'referenced', // ER_ROW_IS_REFERENCED_2
  1048: 'notNull', // ER_BAD_NULL_ERROR
  1364: 'notNull', // ER_NO_DEFAULT_FOR_FIELD: a NOT NULL column left out (strict mode)
  3819: 'check', // ER_CHECK_CONSTRAINT_VIOLATED (MySQL)
  4025: 'check', // ER_CONSTRAINT_FAILED (MariaDB)
  1205: 'busy', // ER_LOCK_WAIT_TIMEOUT
  1213: 'busy', // ER_LOCK_DEADLOCK
  1969: 'busy', // ER_STATEMENT_TIMEOUT (MariaDB max_statement_time)
  3024: 'busy', // ER_QUERY_TIMEOUT (MySQL max_execution_time)
  1040: 'unavailable', // ER_CON_COUNT_ERROR
  1053: 'unavailable', // ER_SERVER_SHUTDOWN
}

function readMysql(e: DriverError, query: string | undefined): Reading | null {
  if (typeof e.errno !== 'number' || typeof e.sqlMessage !== 'string') return null
  const kind = MYSQL_ERRNOS[e.errno]
  if (kind === undefined) return null
  const message = e.sqlMessage
  let column: string | undefined
  switch (kind) {
    case 'unique':
      column = uniqueKeyColumn(message, query)
      break
    case 'foreignKey':
      // "... CONSTRAINT `x` FOREIGN KEY (`member_id`) REFERENCES ..."
      column = /FOREIGN KEY \(`([^`]+)`\)/.exec(message)?.[1]
      break
    case 'notNull':
      // "Column 'email' cannot be null" / "Field 'email' doesn't have a default value"
      column = /^(?:Column|Field) '([^']+)'/.exec(message)?.[1]
      break
    case 'check':
      // MariaDB names a column's own check after it: "CONSTRAINT `members.age` failed for ..."
      column = /^CONSTRAINT `[^`.]+\.([^`]+)` failed/.exec(message)?.[1]
      break
  }
  return { kind, columns: column === undefined ? undefined : [column] }
}

/**
 * "Duplicate entry 'x' for key 'members.members_email_unique'" (MySQL) or "... for key
 * 'members_email_unique'" (MariaDB). Only Drizzle's default index name `<table>_<column>_unique`
 * tells the column; MariaDB leaves the table out, so it is read from the statement.
 */
function uniqueKeyColumn(message: string, query: string | undefined): string | undefined {
  const key = /for key '([^']+)'$/.exec(message)?.[1]
  if (key === undefined) return undefined
  const dot = key.indexOf('.')
  const table = dot === -1 ? writtenTable(query) : key.slice(0, dot)
  return fromConstraint(dot === -1 ? key : key.slice(dot + 1), table, ['unique'])?.[0]
}

/** The table of an INSERT or UPDATE statement. */
function writtenTable(query: string | undefined): string | undefined {
  return /^\s*(?:insert\s+(?:ignore\s+)?into|update(?:\s+ignore)?)\s+[`"]?(\w+)[`"]?/i.exec(query ?? '')?.[1]
}

// --- Unreachable, closed or exhausted, whatever the driver ------------------------------

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  // postgres.js
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  // mysql2
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  // saker's own pool gate (dialects/gate.ts)
  'POOL_ACQUIRE_TIMEOUT',
])

// Errors without a code: PGlite closed, mysql2's pool ended, better-sqlite3 closed.
const UNAVAILABLE_MESSAGES = new Set([
  'PGlite is closed',
  'PGlite is closing',
  'Pool is closed.',
  'The database connection is not open',
])

function readUnavailable(e: DriverError): Reading | null {
  const code = text(e.code)
  if (code !== undefined && UNAVAILABLE_CODES.has(code)) return { kind: 'unavailable' }
  if (UNAVAILABLE_MESSAGES.has(text(e.message) ?? '')) return { kind: 'unavailable' }
  return null
}

// --- helpers ---------------------------------------------------------------------------

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

function isIdentifier(name: string): boolean {
  return /^[\p{L}_][\p{L}\p{N}_$]*$/u.test(name)
}

/** RFC 6901: `~` and `/` are escaped in a JSON Pointer token. */
function pointer(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1')
}
