/**
 * PostgreSQL through postgres.js: a pool of `max` connections, each with a statement
 * timeout, behind a gate so that a busy pool answers 503 after `acquireTimeout`.
 */

import { loadOptional } from '../../optional-dependency.ts'
import type { Database } from '../database.ts'
import { Gate } from './gate.ts'
import { wrapDrizzle } from './wrap.ts'

export interface PoolSettings {
  /** Connections (default 10). */
  max: number
  /** How long a query waits for a connection before a 503, in ms (default 5000). */
  acquireTimeout: number
  /** How long a statement may run before the database stops it, in ms (default 30000). */
  statementTimeout: number
  /** How long an unused connection stays open, in ms (default 30000). */
  idleTimeout: number
  /**
   * PostgreSQL: queries sent on one connection before the first answers (default 100, as
   * postgres.js), while the database keeps up; 1 sends one at a time. MySQL has no pipelining.
   */
  pipeline: number
}

/** Opens a postgres.js pool on a `postgres://` or `postgresql://` URL. */
export async function openPostgres(url: string, pool: PoolSettings): Promise<Database> {
  const { default: postgres } = await loadOptional('postgres', 'A PostgreSQL URL', () => import('postgres'))
  const { drizzle } = await import('drizzle-orm/postgres-js')
  const sql = postgres(url, {
    max: pool.max,
    // postgres.js counts these in seconds.
    connect_timeout: pool.acquireTimeout / 1000,
    idle_timeout: pool.idleTimeout / 1000,
    // NOTE: a documented option that postgres.js's types leave out.
    ...({ max_pipeline: pool.pipeline } as object),
    connection: { statement_timeout: pool.statementTimeout },
    // NOTE: the default prints every NOTICE (e.g. "already exists, skipping") to the console.
    onnotice: () => {},
  })
  const gate = new Gate(pool.max, pool.acquireTimeout, pool.pipeline)
  const done = (rows: unknown[][]) => {
    gate.leave()
    return rows
  }
  const failed = (error: unknown) => {
    gate.leave()
    throw error
  }
  /** A named statement, parsed once per connection (Drizzle's unprepared queries describe first: two round trips). */
  const prepared = (text: string, values: readonly unknown[]): Promise<unknown[][]> =>
    sql
      .unsafe(text, values as never[], PREPARED)
      .values()
      .then(done as never, failed)
  return wrapDrizzle({
    dialect: 'postgresql',
    driver: 'postgres',
    // NOTE: Drizzle sets its date parsers on the client it is given, so `readRows` sees the same values.
    drizzle: drizzle({ client: gated(sql, gate) }),
    supportsReturning: true,
    readRows: (text, values) => {
      const entered = gate.enter()
      // PERF: a free place is taken at once, and the query's own promise is chained (no async frame).
      if (entered === undefined) return prepared(text, values)
      return entered.then(() => prepared(text, values))
    },
    close: () => sql.end({ timeout: 5 }),
  })
}

// `simple: false`: postgres.js sends a query without parameters as a simple query, parsed on every
// call; on the extended protocol it is prepared once per connection like every other read.
const PREPARED = { prepare: true, simple: false }

type Sql = ReturnType<typeof import('postgres')>

/**
 * postgres.js never refuses a query: with every connection busy it pipelines or queues it
 * for as long as it takes. So the two entry points Drizzle uses pass the gate first: `unsafe`
 * (a query, held until it settles) and `begin` (a transaction, holding a connection until it ends).
 * Queries inside a transaction run on its reserved connection and skip the gate.
 */
function gated(sql: Sql, gate: Gate): Sql {
  const unsafe = (...args: Parameters<Sql['unsafe']>) => new GatedQuery(gate, () => sql.unsafe(...args))
  const begin = (...args: unknown[]) =>
    gate.run(() => (sql.begin as (...a: unknown[]) => Promise<unknown>)(...args))
  return new Proxy(sql, {
    get(target, property, receiver) {
      if (property === 'unsafe') return unsafe
      if (property === 'begin') return begin
      return Reflect.get(target, property, receiver)
    },
  })
}

/**
 * Stands in for postgres.js's lazy query: a query starts when awaited, so the gate is
 * passed in `then`. `values()` is the one modifier Drizzle calls on it.
 */
class GatedQuery implements PromiseLike<unknown> {
  readonly #gate: Gate
  readonly #start: () => ReturnType<Sql['unsafe']>
  #asValues = false

  constructor(gate: Gate, start: () => ReturnType<Sql['unsafe']>) {
    this.#gate = gate
    this.#start = start
  }

  values(): this {
    this.#asValues = true
    return this
  }

  then<A = unknown, B = never>(
    onfulfilled?: ((value: unknown) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.#execute().then(onfulfilled, onrejected)
  }

  async #execute(): Promise<unknown> {
    await this.#gate.enter()
    try {
      const query = this.#start()
      return await (this.#asValues ? query.values() : query)
    } finally {
      this.#gate.leave()
    }
  }
}
