/**
 * MySQL and MariaDB through a mysql2 pool, behind a gate so that a busy pool answers 503
 * after `acquireTimeout`. No RETURNING: the caller reads rows back by key.
 */
import type { Pool, PoolConnection } from 'mysql2/promise'
import { loadOptional } from '../../optional-dependency.ts'
import type { Database } from '../database.ts'
import { Gate } from './gate.ts'
import type { PoolSettings } from './postgres.ts'
import { wrapDrizzle } from './wrap.ts'

/** Opens a mysql2 pool on a `mysql://` or `mariadb://` URL. */
export async function openMysql(url: string, pool: PoolSettings): Promise<Database> {
  const mysql = await loadOptional('mysql2', 'A MySQL/MariaDB URL', () => import('mysql2/promise'))
  const { drizzle } = await import('drizzle-orm/mysql2')
  const client = mysql.createPool({
    uri: url.replace(/^mariadb:/, 'mysql:'),
    connectionLimit: pool.max,
    maxIdle: pool.max,
    idleTimeout: pool.idleTimeout,
    connectTimeout: pool.acquireTimeout,
  })
  // The statement timeout is a session variable: MariaDB's max_statement_time (seconds),
  // else MySQL's max_execution_time (ms, SELECT only). Set on each new connection before
  // the pool hands it out, so it precedes the connection's first query.
  client.pool.on('connection', (connection) => {
    connection.query(`SET SESSION max_statement_time = ${pool.statementTimeout / 1000}`, (error) => {
      if (error)
        connection.query(`SET SESSION max_execution_time = ${Math.round(pool.statementTimeout)}`, () => {})
    })
  })
  // NOTE: the two-argument form: drizzle-orm 0.45's config check rejects any object with a
  // `mode` key, so `drizzle({ client, mode })` would take the config object for the client.
  const gate = new Gate(pool.max, pool.acquireTimeout)
  const db = drizzle(gated(client, gate), { mode: 'default' })
  return wrapDrizzle({
    dialect: 'mysql',
    driver: 'mysql',
    drizzle: db,
    supportsReturning: false,
    readRows: async (text, values) => {
      const entered = gate.enter()
      if (entered !== undefined) await entered
      try {
        const [rows] = await client.query(
          { sql: text, rowsAsArray: true, typeCast: datesAsText },
          values as never,
        )
        // A write answers a result header, not rows.
        return Array.isArray(rows) ? (rows as unknown[][]) : []
      } finally {
        gate.leave()
      }
    },
    close: () => client.end(),
  })
}

/** Dates and times stay text, as Drizzle's mysql2 session reads them (its columns parse them). */
function datesAsText(field: { type: string; string(): string | null }, next: () => unknown): unknown {
  if (field.type === 'TIMESTAMP' || field.type === 'DATETIME' || field.type === 'DATE') return field.string()
  return next()
}

/**
 * mysql2 queues a request for a connection forever when the pool is busy, so the three
 * entry points Drizzle uses pass the gate first: `query` and `execute` hold it until they
 * settle, `getConnection` (a transaction) until the connection is released.
 */
function gated(pool: Pool, gate: Gate): Pool {
  const query = (...args: unknown[]) =>
    gate.run(() => (pool.query as (...a: unknown[]) => Promise<unknown>)(...args))
  const execute = (...args: unknown[]) =>
    gate.run(() => (pool.execute as (...a: unknown[]) => Promise<unknown>)(...args))
  const getConnection = async (): Promise<PoolConnection> => {
    const release = await gate.acquire()
    try {
      return held(await pool.getConnection(), release)
    } catch (error) {
      release()
      throw error
    }
  }
  return new Proxy(pool, {
    get(target, property, receiver) {
      if (property === 'query') return query
      if (property === 'execute') return execute
      if (property === 'getConnection') return getConnection
      return Reflect.get(target, property, receiver)
    },
  })
}

/** The connection, giving its place in the gate back whichever way it leaves. */
function held(connection: PoolConnection, release: () => void): PoolConnection {
  return new Proxy(connection, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver)
      if (property !== 'release' && property !== 'end' && property !== 'destroy') return value
      return (...args: unknown[]) => {
        release()
        return (value as (...a: unknown[]) => unknown).apply(target, args)
      }
    },
  })
}
