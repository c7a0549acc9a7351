import type { RateLimitStore } from './rate-limit-store.ts'
import {
  advance,
  count,
  expiresAt,
  type RateLimitPolicy,
  type WindowCount,
  type WindowState,
} from './rate-limit-window.ts'

/** Keys a memory store keeps by default: about 15 MB at most. */
export const DEFAULT_MAX_KEYS = 100_000

/**
 * Counts in this process's memory: each worker counts on its own. At most `maxKeys` keys are
 * kept; past that, the key whose window is oldest is forgotten (its count starts over).
 */
export class MemoryStore implements RateLimitStore {
  readonly #policy: RateLimitPolicy
  readonly #maxKeys: number
  /** Keys in the order their current window began, so the expired ones are at the front. */
  readonly #entries = new Map<string, WindowState>()
  #nextSweep = 0

  constructor(policy: RateLimitPolicy, maxKeys = DEFAULT_MAX_KEYS) {
    this.#policy = policy
    this.#maxKeys = maxKeys
  }

  /** How many keys are kept. */
  get size(): number {
    return this.#entries.size
  }

  hit(key: string): WindowCount {
    const now = Date.now()
    // PERF: expired keys are dropped here, at most once per window, rather than by a timer.
    if (now >= this.#nextSweep) this.#sweep(now)
    let state = this.#entries.get(key)
    if (state === undefined) {
      if (this.#entries.size >= this.#maxKeys) this.#forgetOldest()
      state = { start: now, current: 0, previous: 0 }
      this.#entries.set(key, state)
    } else {
      const start = state.start
      advance(state, now, this.#policy)
      if (state.start !== start) {
        this.#entries.delete(key)
        this.#entries.set(key, state)
      }
    }
    return count(state, now, this.#policy)
  }

  /**
   * Drops keys from the front while expired. A sliding window's start is up to one window older
   * than `now` when it moves, so an expired key may wait for a later sweep; `maxKeys` still holds.
   */
  #sweep(now: number): void {
    for (const [key, state] of this.#entries) {
      if (expiresAt(state, this.#policy) > now) break
      this.#entries.delete(key)
    }
    this.#nextSweep = now + this.#policy.window
  }

  #forgetOldest(): void {
    const oldest = this.#entries.keys().next()
    if (oldest.done !== true) this.#entries.delete(oldest.value)
  }

  async close(): Promise<void> {
    this.#entries.clear()
  }
}
