/**
 * A counting semaphore with a bounded wait: at most `size` holders at once, and a caller
 * that cannot get a place within `timeout` ms gets a `PoolTimeoutError` (a 503), never a hang.
 * The pools of postgres.js and mysql2 queue forever when every connection is busy, so the
 * dialects put this gate in front of them, sized to the pool.
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
  grant: () => void
  timer: NodeJS.Timeout
}

export class Gate {
  #free: number
  readonly #timeout: number
  readonly #waiters: Waiter[] = []

  constructor(size: number, timeout: number) {
    this.#free = size
    this.#timeout = timeout
  }

  /** Waits for a place; the returned function gives it back (calling it twice is harmless). */
  acquire(): Promise<() => void> {
    // PERF: the common case (a free place) allocates no timer.
    if (this.#free > 0) {
      this.#free--
      return Promise.resolve(this.#releaser())
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(waiter.timer)
          resolve(this.#releaser())
        },
        timer: setTimeout(() => {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1)
          reject(new PoolTimeoutError(this.#timeout))
        }, this.#timeout),
      }
      this.#waiters.push(waiter)
    })
  }

  /** Runs `work` holding a place. */
  async run<T>(work: () => PromiseLike<T>): Promise<T> {
    const release = await this.acquire()
    try {
      return await work()
    } finally {
      release()
    }
  }

  #releaser(): () => void {
    let released = false
    return () => {
      if (released) return
      released = true
      // The place passes straight to the oldest waiter, so it cannot be taken twice.
      const next = this.#waiters.shift()
      if (next) next.grant()
      else this.#free++
    }
  }
}
