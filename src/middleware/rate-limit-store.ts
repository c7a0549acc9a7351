import type { WindowCount } from './rate-limit-window.ts'

/** Where `rateLimit()` keeps its counters: this process's memory, or Redis to share them. */
export interface RateLimitStore {
  /** Counts one request of `key` if its window has room; rejects when the store cannot answer. */
  hit(key: string): WindowCount | Promise<WindowCount>
  /** Lets go of what the store holds (the Redis connection it opened). */
  close(): Promise<void>
}
