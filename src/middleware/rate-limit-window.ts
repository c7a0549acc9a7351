/**
 * The counting of `rateLimit()`, the same in every store (the Redis store runs it as a Lua
 * script, `rate-limit-redis.ts`, and must stay in step with this file).
 *
 * - fixed: a key's window begins at its first request and holds `limit` requests; the first
 *   request after it ends begins the next one.
 * - sliding: windows follow one another from the key's first request, and the previous window's
 *   count still weighs, in proportion to how much of it the sliding window still covers. This
 *   approximates "at most `limit` in any `window`" with two counters per key, and so prevents
 *   the burst of 2 × limit a fixed window lets through across its edge.
 */

/** How many requests a key may make, per how many milliseconds, counted how. */
export interface RateLimitPolicy {
  limit: number
  window: number
  algorithm: 'fixed' | 'sliding'
}

/** A key's counters: when its current window began (ms since the epoch) and what each window counted. */
export interface WindowState {
  start: number
  current: number
  previous: number
}

/** A store's answer to one request: whether it was counted, and the counters after it. */
export interface WindowCount {
  allowed: boolean
  /** Requests counted in the current window, this one included when allowed. */
  current: number
  /** Requests counted in the previous window (sliding only; 0 for fixed). */
  previous: number
  /** Milliseconds since the current window began. */
  elapsed: number
}

/** What a client is told: how many requests are left, and when to come back (in ms). */
export interface Quota {
  allowed: boolean
  remaining: number
  /** Until the current window ends. */
  resetIn: number
  /** Until a request would be allowed again (`0` while some are left). */
  retryIn: number
}

function weighted(previous: number, elapsed: number, window: number): number {
  return Math.floor((previous * (window - elapsed)) / window)
}

/** Moves a key's counters to the window `now` falls in. */
export function advance(state: WindowState, now: number, policy: RateLimitPolicy): void {
  const passed = Math.floor((now - state.start) / policy.window)
  if (passed < 1) return
  if (policy.algorithm === 'sliding') {
    state.previous = passed === 1 ? state.current : 0
    state.start += passed * policy.window
  } else {
    state.previous = 0
    state.start = now
  }
  state.current = 0
}

/** Counts one request in the current window, if the policy allows it. */
export function count(state: WindowState, now: number, policy: RateLimitPolicy): WindowCount {
  const elapsed = now - state.start
  const allowed = weighted(state.previous, elapsed, policy.window) + state.current < policy.limit
  if (allowed) state.current++
  return { allowed, current: state.current, previous: state.previous, elapsed }
}

/** When a key's counters can be forgotten: once they no longer weigh on any request. */
export function expiresAt(state: WindowState, policy: RateLimitPolicy): number {
  return state.start + (policy.algorithm === 'sliding' ? 2 : 1) * policy.window
}

/** Turns a store's count into what the client is told. */
export function quota(counted: WindowCount, policy: RateLimitPolicy): Quota {
  const { limit, window } = policy
  const { current, previous, elapsed } = counted
  const resetIn = window - elapsed
  const remaining = Math.max(0, limit - weighted(previous, elapsed, window) - current)
  if (counted.allowed) return { allowed: true, remaining, resetIn, retryIn: 0 }
  // Denied with the current window full: only the next one has room.
  if (current >= limit || previous === 0) return { allowed: false, remaining, resetIn, retryIn: resetIn }
  // Denied by the previous window's weight: wait until it has shrunk enough for one more request.
  const retryIn = Math.max(1, Math.floor(resetIn - ((limit - current) * window) / previous) + 1)
  return { allowed: false, remaining, resetIn, retryIn }
}
