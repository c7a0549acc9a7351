/**
 * PostgreSQL through postgres.js: a pool of `max` connections (lanes), each with a statement
 * timeout, behind a gate so that a busy pool answers 503 after `acquireTimeout`.
 */

import { loadOptional } from '../../optional-dependency.ts'
import type { Database } from '../database.ts'
import { Gate } from './gate.ts'
import { Lanes, type Sql } from './postgres-lanes.ts'
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

/** Opens a pool of `max` connections on a `postgres://` or `postgresql://` URL. */
export async function openPostgres(url: string, pool: PoolSettings): Promise<Database> {
  const { default: postgres } = await loadOptional('postgres', 'A PostgreSQL URL', () => import('postgres'))
  const { drizzle } = await import('drizzle-orm/postgres-js')
  const options = {
    max: 1,
    // postgres.js counts these in seconds.
    connect_timeout: pool.acquireTimeout / 1000,
    idle_timeout: pool.idleTimeout / 1000,
    // NOTE: a documented option that postgres.js's types leave out.
    ...({ max_pipeline: pool.pipeline } as object),
    connection: { statement_timeout: pool.statementTimeout },
    // NOTE: the default prints every NOTICE (e.g. "already exists, skipping") to the console.
    onnotice: () => {},
  }
  const clients = Array.from({ length: pool.max }, () => postgres(url, options))
  const gate: Gate = new Gate(pool.max, pool.acquireTimeout, pool.pipeline, () => lanes.reserve())
  const lanes = new Lanes(clients, () => gate.leave())
  const database = drizzle({ client: laned(lanes, gate) })
  // Drizzle sets its date parsers on the client it is given (the first lane's): every lane reads
  // the same values, as `readRows` does.
  for (const client of clients) {
    Object.assign(client.options.parsers, lanes.first.options.parsers)
    Object.assign(client.options.serializers, lanes.first.options.serializers)
  }
  return wrapDrizzle({
    dialect: 'postgresql',
    driver: 'postgres',
    drizzle: database,
    supportsReturning: true,
    readRows: (text, values) => {
      const entered = gate.enter()
      // PERF: a free place is taken at once, and the query's own promise is chained (no async frame).
      if (entered === undefined) return lanes.read(text, values)
      return entered.then(() => lanes.read(text, values))
    },
    close: () => lanes.end(5),
  })
}

/**
 * What Drizzle sees as its postgres.js client: the first lane, with the two entry points it uses
 * passing the gate and going to a lane of their own: `unsafe` (a query, held until it settles)
 * and `begin` (a transaction, holding an idle lane until it ends). postgres.js never refuses a
 * query (it pipelines or queues it for as long as it takes), hence the gate. Queries inside a
 * transaction run on its connection and skip both.
 */
function laned(lanes: Lanes, gate: Gate): Sql {
  const unsafe = (...args: Parameters<Sql['unsafe']>) => new GatedQuery(gate, lanes, args)
  const begin = (...args: unknown[]) =>
    gate.run(async () => {
      const lane = lanes.takeIdle()
      try {
        return await (lane.client.begin as (...a: unknown[]) => Promise<unknown>)(...args)
      } finally {
        lanes.release(lane)
      }
    })
  return new Proxy(lanes.first, {
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
  readonly #lanes: Lanes
  readonly #args: Parameters<Sql['unsafe']>
  #asValues = false

  constructor(gate: Gate, lanes: Lanes, args: Parameters<Sql['unsafe']>) {
    this.#gate = gate
    this.#lanes = lanes
    this.#args = args
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
    const lane = this.#lanes.take()
    try {
      const query = lane.client.unsafe(...this.#args)
      return await (this.#asValues ? query.values() : query)
    } finally {
      this.#lanes.release(lane)
      this.#gate.leave()
    }
  }
}
