/**
 * The gate in front of a pool: a caller that cannot get a place within `timeout` ms gets a
 * `PoolTimeoutError` (a 503), never a hang. The pools of postgres.js and mysql2 queue forever
 * when every connection is busy, so the dialects put this gate in front of them, sized to the pool.
 *
 * A place is a connection: held exclusively by a transaction, or by a query. With `pipeline`
 * above 1 (postgres.js), queries may go on past one per connection, up to `pipeline` per
 * connection that no transaction holds, as long as the database keeps up: once no query has
 * completed for the stall limit while some are in flight, no more are sent, so a stuck
 * database still answers 503.
 */

/** Thrown when no connection could be had within the acquire timeout. */
export class PoolTimeoutError extends Error {
  readonly code = 'POOL_ACQUIRE_TIMEOUT'

  constructor(timeout: number) {
    super(`No database connection was free within ${timeout} ms`)
    this.name = 'PoolTimeoutError'
  }
}

interface Waiter {
  exclusive: boolean
  resolve: () => void
  reject: (error: Error) => void
  deadline: number
}

export class Gate {
  readonly #size: number
  readonly #timeout: number
  readonly #pipeline: number
  /** How long queries in flight may go without one completing before no more are pipelined. */
  readonly #stall: number
  #held = 0
  #exclusive = 0
  /** When a query last completed, or the gate went from idle to busy (`performance.now()`). */
  #progress = 0
  readonly #waiters: Waiter[] = []
  /** One timer for all waiters, due at the oldest one's deadline (they wait in FIFO order). */
  #timer: NodeJS.Timeout | null = null

  /** Called as a transaction is admitted, before its `acquire` resolves (the lanes keep it a connection). */
  readonly #onExclusive: (() => void) | undefined

  constructor(size: number, timeout: number, pipeline = 1, onExclusive?: () => void) {
    this.#size = size
    this.#onExclusive = onExclusive
    this.#timeout = timeout
    this.#pipeline = pipeline
    this.#stall = Math.min(timeout / 4, 250)
  }

  /**
   * Takes a place for a query: `undefined` at once when one is free (no promise, no timer),
   * else a promise of one, rejected after the timeout. Give it back with `leave()`.
   */
  enter(): Promise<void> | undefined {
    if (this.#waiters.length === 0 && this.#admits(false)) {
      this.#take(false)
      return undefined
    }
    return this.#wait(false)
  }

  /** Gives a query's place back (a transaction's with `leave(true)`); waiters get it in FIFO order. */
  leave(exclusive = false): void {
    this.#held--
    if (exclusive) this.#exclusive--
    else this.#progress = performance.now()
    let waiter = this.#waiters[0]
    while (waiter !== undefined && this.#admits(waiter.exclusive)) {
      this.#waiters.shift()
      this.#take(waiter.exclusive)
      waiter.resolve()
      waiter = this.#waiters[0]
    }
  }

  /** Takes a connection for itself (a transaction) and answers the function that gives it back. */
  async acquire(): Promise<() => void> {
    if (this.#waiters.length === 0 && this.#admits(true)) this.#take(true)
    else await this.#wait(true)
    let released = false
    return () => {
      if (released) return
      released = true
      this.leave(true)
    }
  }

  /** Runs `work` holding a connection for itself. */
  async run<T>(work: () => PromiseLike<T>): Promise<T> {
    const release = await this.acquire()
    try {
      return await work()
    } finally {
      release()
    }
  }

  #admits(exclusive: boolean): boolean {
    if (this.#held < this.#size) return true
    if (exclusive || this.#pipeline === 1) return false
    const shared = this.#size - this.#exclusive
    const queries = this.#held - this.#exclusive
    return (
      shared > 0 &&
      queries < shared * this.#pipeline &&
      (queries === 0 || performance.now() - this.#progress < this.#stall)
    )
  }

  #take(exclusive: boolean): void {
    // Progress is counted from when queries start to be in flight, not from an old completion.
    if (!exclusive && this.#held === this.#exclusive) this.#progress = performance.now()
    this.#held++
    if (exclusive) {
      this.#exclusive++
      this.#onExclusive?.()
    }
  }

  #wait(exclusive: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#waiters.push({ exclusive, resolve, reject, deadline: performance.now() + this.#timeout })
      this.#timer ??= setTimeout(this.#expire, this.#timeout)
    })
  }

  /** Rejects the waiters past their deadline, then waits for the next one's. */
  readonly #expire = (): void => {
    this.#timer = null
    const now = performance.now()
    let waiter = this.#waiters[0]
    while (waiter !== undefined && waiter.deadline <= now) {
      this.#waiters.shift()
      waiter.reject(new PoolTimeoutError(this.#timeout))
      waiter = this.#waiters[0]
    }
    if (waiter !== undefined) this.#timer = setTimeout(this.#expire, waiter.deadline - now)
  }
}
