import type { Context } from '../context.ts'
import { HttpError } from '../errors.ts'
import type { Redis } from '../redis.ts'
import type { Next } from '../types.ts'
import { addressKey } from './rate-limit-key.ts'
import { MemoryStore } from './rate-limit-memory.ts'
import { RedisStore } from './rate-limit-redis.ts'
import type { RateLimitStore } from './rate-limit-store.ts'
import { quota, type RateLimitPolicy, type WindowCount } from './rate-limit-window.ts'

/** Options of `rateLimit()`. */
export interface RateLimitOptions {
  /** Requests allowed per key and window. */
  limit: number
  /** The window, in milliseconds. */
  window: number
  /**
   * `fixed` (default): a key's count starts over when its window ends. `sliding`: the previous
   * window still weighs in proportion, so no burst of twice the limit across a window's edge.
   */
  algorithm?: 'fixed' | 'sliding'
  /**
   * Whose requests are counted together: the client address (`ctx.ip`, an IPv6 one by its
   * network, see `ipv6Subnet`) by default; a user id or an API key header are as good.
   * `undefined` leaves the request unlimited.
   */
  key?: (ctx: Context<any>) => string | undefined
  /**
   * With the default key, how many leading bits of an IPv6 address make one client: 64 (default,
   * the network an end site is given) up to 128 (each address alone), or down to 32.
   */
  ipv6Subnet?: number
  /**
   * Redis to share the counts across workers and machines: a URL or an ioredis client.
   * Default: `REDIS_URL` when set; `false` counts in this process's memory whatever the environment.
   */
  redis?: string | Redis | false
  /** Prefix of the Redis keys. Default `saker:rate-limit:<algorithm>:<limit>:<window>:`. */
  prefix?: string
  /** In memory: how many keys are kept at most (default 100,000, about 15 MB). */
  maxKeys?: number
  /**
   * When the store cannot count (Redis down): `true` (default) lets requests through without
   * limits, `false` answers 503. Either way, one log line per outage.
   */
  failOpen?: boolean
}

/**
 * A rate limiter: an `onRequest` hook (it counts a request before its body is read) that also
 * works as `(ctx, next)` middleware. `close()` closes the Redis connection it opened.
 */
export type RateLimiter = ((ctx: Context<any>, next?: Next) => void | Promise<void>) & {
  close(): Promise<void>
}

function policyOf(options: RateLimitOptions): RateLimitPolicy {
  const { limit, window, algorithm = 'fixed' } = options
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`rateLimit: limit must be a positive integer`)
  if (!Number.isInteger(window) || window < 1)
    throw new RangeError(`rateLimit: window must be a whole number of ms`)
  if (algorithm !== 'fixed' && algorithm !== 'sliding') {
    throw new RangeError(`rateLimit: algorithm is 'fixed' or 'sliding', not "${algorithm}"`)
  }
  return { limit, window, algorithm }
}

function storeOf(options: RateLimitOptions, policy: RateLimitPolicy): RateLimitStore {
  const redis = options.redis ?? process.env.REDIS_URL
  const { maxKeys } = options
  // NOTE: NaN would never compare as reached, and the store would grow with every client.
  if (maxKeys !== undefined && (!Number.isInteger(maxKeys) || maxKeys < 1))
    throw new RangeError(`rateLimit: maxKeys must be a positive integer`)
  if (redis === undefined || redis === false || redis === '') return new MemoryStore(policy, maxKeys)
  const prefix = options.prefix ?? `saker:rate-limit:${policy.algorithm}:${policy.limit}:${policy.window}:`
  return new RedisStore(policy, redis, prefix)
}

function seconds(ms: number): number {
  return Math.ceil(ms / 1000)
}

function keyOf(options: RateLimitOptions): (ctx: Context) => string | undefined {
  const { key, ipv6Subnet = 64 } = options
  if (!Number.isInteger(ipv6Subnet) || ipv6Subnet < 32 || ipv6Subnet > 128)
    throw new RangeError(`rateLimit: ipv6Subnet must be a whole number from 32 to 128`)
  if (key !== undefined) return key
  return (ctx) => {
    const ip = ctx.ip
    return ip === undefined ? undefined : addressKey(ip, ipv6Subnet)
  }
}

/**
 * Limits how many requests each client makes per window. Replies carry `RateLimit-Limit`,
 * `RateLimit-Remaining` and `RateLimit-Reset` (seconds); a request over the limit gets a 429
 * problem with `Retry-After`.
 *
 * @example
 * app.addHook('onRequest', rateLimit({ limit: 100, window: 60_000 })) // 100 a minute per address (IPv6: per /64)
 * app.addHook('onRequest', rateLimit({ limit: 10, window: 1_000, key: (ctx) => ctx.headers['x-api-key'] as string | undefined }))
 */
export function rateLimit(options: RateLimitOptions): RateLimiter {
  const policy = policyOf(options)
  const keyFor = keyOf(options)
  const store = storeOf(options, policy)
  const failOpen = options.failOpen ?? true
  const limitHeader = String(policy.limit)
  let failing = false

  // PERF: the memory store counts synchronously, so a request it allows costs no promise.
  function check(ctx: Context): void | Promise<void> {
    const key = keyFor(ctx)
    if (key === undefined) return
    let counted: ReturnType<RateLimitStore['hit']>
    try {
      counted = store.hit(key)
    } catch (error) {
      return unavailable(ctx, error)
    }
    if (counted instanceof Promise) {
      return counted.then(
        (count) => enforce(ctx, count),
        (error) => unavailable(ctx, error),
      )
    }
    enforce(ctx, counted)
  }

  /** Sets the quota headers, and refuses the request past the limit. */
  function enforce(ctx: Context, counted: WindowCount): void {
    if (failing) {
      failing = false
      ctx.log.info('rate limit store is back')
    }
    const outcome = quota(counted, policy)
    // PERF: digits only, set as they are: `ctx.header()` would validate them on every request.
    const headers = (ctx.responseHeaders ??= {})
    headers['ratelimit-limit'] = limitHeader
    headers['ratelimit-remaining'] = String(outcome.remaining)
    headers['ratelimit-reset'] = String(seconds(outcome.allowed ? outcome.resetIn : outcome.retryIn))
    if (!outcome.allowed) {
      const wait = Math.max(1, seconds(outcome.retryIn))
      throw new HttpError(429, `Too many requests; try again in ${wait} s.`, {
        headers: { 'retry-after': String(wait) },
      })
    }
  }

  /** The store could not count: let the request through (fail open) or refuse it, logging once per outage. */
  function unavailable(ctx: Context, error: unknown): void {
    if (!failing) {
      failing = true
      ctx.log.error(
        { err: error },
        failOpen
          ? 'rate limit store unavailable: requests are let through unlimited'
          : 'rate limit store unavailable: requests are refused',
      )
    }
    if (failOpen) return
    throw new HttpError(503, 'Rate limiting is unavailable; try again shortly.', {
      headers: { 'retry-after': '1' },
    })
  }

  const limiter = (ctx: Context, next?: Next): void | Promise<void> => {
    if (next === undefined) return check(ctx)
    const checked = check(ctx)
    return checked === undefined ? next() : checked.then(next)
  }
  return Object.assign(limiter, { close: () => store.close() })
}
