/**
 * The PostgreSQL pool as lanes: one postgres.js client of one connection per lane, with the
 * dispatch done here. A query goes to the lane with the fewest queries in flight (postgres.js
 * pipelines them on its connection), a transaction to a lane with none, which it then holds alone.
 *
 * Why not one postgres.js client of `max` connections: its pool (3.4.9) moves a connection
 * between queues with an `indexOf` over every slot the queue has held since it was last empty,
 * and a busy pool's queues are never empty, so each query costs time in proportion to the
 * queries before it (`/db` fell to about a third of its throughput within a minute of load; see
 * bench/README.md). A client of one connection empties its connection queues at every query.
 */

/** A postgres.js client (`postgres(url, options)`). */
export type Sql = ReturnType<typeof import('postgres')>

/** One connection: its client, and what is in flight on it. */
export class Lane {
  readonly client: Sql
  /** Queries in flight, a transaction counting as one. */
  inFlight = 0
  /** Held by a transaction: no query is sent to it. */
  held = false
  /** What a settled read passes through: the lane's count and the gate's place back (bound once). */
  readonly settled: (rows: unknown[][]) => unknown[][]
  /** The same for a failed read: the error goes on. */
  readonly failed: (error: unknown) => never

  constructor(client: Sql, leave: () => void) {
    this.client = client
    this.settled = (rows) => {
      this.inFlight--
      leave()
      return rows
    }
    this.failed = (error) => {
      this.inFlight--
      leave()
      throw error
    }
  }
}

export class Lanes {
  readonly #lanes: Lane[]
  /** Transactions admitted by the gate and not yet on a lane. */
  #reserved = 0

  /**
   * @param clients one client per lane, each of `max: 1`.
   * @param leave called as each read settles (the gate's `leave`).
   */
  constructor(clients: readonly Sql[], leave: () => void) {
    this.#lanes = clients.map((client) => new Lane(client, leave))
  }

  /** The first lane's client: the one whose options Drizzle adjusts. */
  get first(): Sql {
    return (this.#lanes[0] as Lane).client
  }

  /** Runs a prepared read on the least busy lane; it settles after the gate has its place back. */
  read(text: string, values: readonly unknown[]): Promise<unknown[][]> {
    const lane = this.take()
    return lane.client
      .unsafe(text, values as never[], PREPARED)
      .values()
      .then(lane.settled as never, lane.failed) as Promise<unknown[][]>
  }

  /**
   * Takes the least busy lane for one query (give it back with `release(lane)`), leaving idle as
   * many lanes as there are transactions admitted and not yet on a lane.
   */
  take(): Lane {
    let idle = 0
    let firstIdle: Lane | undefined
    let leastBusy: Lane | undefined
    for (const lane of this.#lanes) {
      if (lane.held) continue
      if (lane.inFlight === 0) {
        idle++
        firstIdle ??= lane
      } else if (leastBusy === undefined || lane.inFlight < leastBusy.inFlight) leastBusy = lane
    }
    // NOTE: the gate admits a query only while one of these exists (see `reserve`).
    const lane = (idle > this.#reserved ? firstIdle : leastBusy) as Lane
    lane.inFlight++
    return lane
  }

  /**
   * Keeps an idle lane for a transaction the gate has just admitted: the gate admits one only
   * while fewer places are held than there are lanes, so a lane is idle now; queries admitted
   * before the transaction reaches `takeIdle` go to the others.
   */
  reserve(): void {
    this.#reserved++
  }

  /** Takes the idle lane `reserve` kept, for the transaction's connection. */
  takeIdle(): Lane {
    this.#reserved--
    const lane = this.#lanes.find((candidate) => !candidate.held && candidate.inFlight === 0)
    if (lane === undefined) throw new Error('No idle PostgreSQL connection for an admitted transaction')
    lane.inFlight = 1
    lane.held = true
    return lane
  }

  /** Gives back a lane taken by `take` or `takeIdle`. */
  release(lane: Lane): void {
    lane.inFlight--
    lane.held = false
  }

  /** Closes every connection, waiting up to `timeout` seconds for queries in flight. */
  end(timeout: number): Promise<void> {
    return Promise.all(this.#lanes.map((lane) => lane.client.end({ timeout }))).then(() => undefined)
  }
}

// `simple: false`: postgres.js sends a query without parameters as a simple query, parsed on every
// call; on the extended protocol it is prepared once per connection like every other read.
const PREPARED = { prepare: true, simple: false }
