/**
 * PostgreSQL through postgres.js: a pool of `max` connections, each with a statement
 * timeout, behind a gate so that a busy pool answers 503 after `acquireTimeout`.
 */
import type { Database } from '../database.ts'
import { Gate } from './gate.ts'
import { loadDriver } from './load-driver.ts'
import { wrapDrizzle } from './wrap.ts'

export interface PoolSettings {
  max: number
  acquireTimeout: number
  statementTimeout: number
  idleTimeout: number
}

/** Opens a postgres.js pool on a `postgres://` or `postgresql://` URL. */
export async function openPostgres(url: string, pool: PoolSettings): Promise<Database> {
  const { default: postgres } = await loadDriver('postgres', 'A PostgreSQL URL', () => import('postgres'))
  const { drizzle } = await import('drizzle-orm/postgres-js')
  const sql = postgres(url, {
    max: pool.max,
    // postgres.js counts these in seconds.
    connect_timeout: pool.acquireTimeout / 1000,
    idle_timeout: pool.idleTimeout / 1000,
    connection: { statement_timeout: pool.statementTimeout },
    // NOTE: the default prints every NOTICE (e.g. "already exists, skipping") to the console.
    onnotice: () => {},
  })
  return wrapDrizzle({
    dialect: 'postgresql',
    driver: 'postgres',
    drizzle: drizzle({ client: gated(sql, new Gate(pool.max, pool.acquireTimeout)) }),
    supportsReturning: true,
    close: () => sql.end({ timeout: 5 }),
  })
}

type Sql = ReturnType<typeof import('postgres')>

/**
 * postgres.js never refuses a query: with every connection busy it pipelines or queues it
 * for as long as it takes. So the two entry points Drizzle uses pass the gate first: `unsafe`
 * (a query, held until it settles) and `begin` (a transaction, held until it ends).
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
    return this.#gate
      .run(() => {
        const query = this.#start()
        return this.#asValues ? query.values() : query
      })
      .then(onfulfilled, onrejected)
  }
}
