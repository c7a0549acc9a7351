import { connectRedis, type Redis } from '../redis.ts'
import type { RateLimitStore } from './rate-limit-store.ts'
import type { RateLimitPolicy, WindowCount } from './rate-limit-window.ts'

/**
 * `advance()` then `count()` of rate-limit-window.ts in one atomic step, on a hash per key
 * (`s` start, `c` current, `p` previous), with Redis's clock so that every instance agrees.
 * ARGV: window (ms), limit, algorithm. Returns { allowed (0/1), current, previous, elapsed }.
 */
const SCRIPT = `
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local sliding = ARGV[3] == 'sliding'
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 's', 'c', 'p')
local start = tonumber(state[1]) or now
local current = tonumber(state[2]) or 0
local previous = tonumber(state[3]) or 0
local passed = math.floor((now - start) / window)
if passed >= 1 then
  if sliding then
    if passed == 1 then previous = current else previous = 0 end
    start = start + passed * window
  else
    previous = 0
    start = now
  end
  current = 0
end
local elapsed = now - start
local allowed = 0
if math.floor(previous * (window - elapsed) / window) + current < limit then
  allowed = 1
  current = current + 1
end
redis.call('HSET', KEYS[1], 's', string.format('%d', start), 'c', current, 'p', previous)
local ttl = window - elapsed
if sliding then ttl = ttl + window end
redis.call('PEXPIRE', KEYS[1], ttl)
return { allowed, current, previous, elapsed }
`

const COMMAND = 'sakerRateLimit'

/** How long a count may take before the request is let through (or refused) without it. */
const COMMAND_TIMEOUT = 1000

type Scripted = Redis & {
  [COMMAND](key: string, window: number, limit: number, algorithm: string): Promise<number[]>
}

/**
 * Counts in Redis, so that limits hold across workers and machines. Given a URL, it opens (on
 * the first request) and closes its own connection; given a client, it leaves it open.
 */
export class RedisStore implements RateLimitStore {
  readonly #policy: RateLimitPolicy
  readonly #prefix: string
  readonly #source: string | Redis
  #client: Promise<Scripted> | null = null

  constructor(policy: RateLimitPolicy, redis: string | Redis, prefix: string) {
    this.#policy = policy
    this.#source = redis
    this.#prefix = prefix
  }

  async hit(key: string): Promise<WindowCount> {
    this.#client ??= this.#connect()
    const client = await this.#client
    // NOTE: while reconnecting, fail at once rather than queue the request behind the outage.
    if (client.status === 'reconnecting' || client.status === 'end' || client.status === 'close') {
      throw new Error(`Redis is not connected (${client.status})`)
    }
    const { window, limit, algorithm } = this.#policy
    const [allowed, current, previous, elapsed] = await client[COMMAND](
      this.#prefix + key,
      window,
      limit,
      algorithm,
    )
    return {
      allowed: allowed === 1,
      current: current as number,
      previous: previous as number,
      elapsed: elapsed as number,
    }
  }

  async #connect(): Promise<Scripted> {
    let client: Redis
    if (typeof this.#source === 'string') {
      client = await connectRedis(this.#source)
      client.options.commandTimeout ??= COMMAND_TIMEOUT
      // Failures are reported by the rate limiter, once per outage; ioredis would print each attempt.
      client.on('error', ignore)
    } else {
      client = this.#source
    }
    if (!(COMMAND in client)) client.defineCommand(COMMAND, { numberOfKeys: 1, lua: SCRIPT })
    return client as Scripted
  }

  async close(): Promise<void> {
    const pending = this.#client
    this.#client = null
    if (pending === null || typeof this.#source !== 'string') return
    const client = await pending.catch(() => null)
    client?.disconnect()
  }
}

function ignore(): void {}
