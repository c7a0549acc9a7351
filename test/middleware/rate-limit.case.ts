/**
 * The behaviour every rate limit store must show, run on the memory store
 * (rate-limit.test.ts) and on Redis (rate-limit-redis.test.ts), on a real socket.
 */
import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { type SakerOptions, saker, t } from '../../src/index.ts'
import { type RateLimiter, type RateLimitOptions, rateLimit } from '../../src/middleware/index.ts'
import { serve } from '../../src/testing/index.ts'

/** How one store is configured: `redis: false`, or a Redis URL and a prefix of its own. */
export type StoreOptions = () => Partial<RateLimitOptions>

/** An app whose routes all go through `limiter`. */
export function limitedApp(limiter: RateLimiter, options: SakerOptions = {}) {
  const app = saker({ logger: false, ...options })
  app.addHook('onRequest', limiter)
  app.get('/limited', {}, () => ({ ok: true }))
  app.get('/missing', {}, () => {
    throw new Error('never called: the 404 comes from the route below')
  })
  app.post('/members', { body: t.Object({ email: t.String() }) }, () => ({ ok: true }))
  return app
}

/** `limitedApp()` served on a free port. */
export function limitedServer(limiter: RateLimiter, options: SakerOptions = {}) {
  return serve(limitedApp(limiter, options))
}

/** The problem a request to /limited over the limit gets, `seconds` before it may try again. */
export function tooManyRequests(seconds: number) {
  return {
    type: 'about:blank',
    title: 'Too Many Requests',
    status: 429,
    code: 'TOO_MANY_REQUESTS',
    detail: `Too many requests; try again in ${seconds} s.`,
    instance: '/limited',
  }
}

export function headersOf(res: Response) {
  return {
    status: res.status,
    limit: res.headers.get('ratelimit-limit'),
    remaining: res.headers.get('ratelimit-remaining'),
    reset: res.headers.get('ratelimit-reset'),
    retryAfter: res.headers.get('retry-after'),
  }
}

/** A 429 from /limited: its quota headers (none left, `seconds` to wait), and its problem body. */
async function assertRefused(res: Response, limit: string, seconds: number): Promise<void> {
  const wait = String(seconds)
  assert.deepEqual(headersOf(res), { status: 429, limit, remaining: '0', reset: wait, retryAfter: wait })
  assert.equal(res.headers.get('content-type'), 'application/problem+json')
  assert.deepEqual(await res.json(), tooManyRequests(seconds))
}

export function rateLimitCases(storeOptions: StoreOptions): void {
  const limiters: RateLimiter[] = []
  after(() => Promise.all(limiters.map((limiter) => limiter.close())))
  function limiter(options: RateLimitOptions): RateLimiter {
    const created = rateLimit({ ...storeOptions(), ...options })
    limiters.push(created)
    return created
  }

  test('fixed window: `limit` requests pass with the RateLimit headers, the next gets a 429 problem', async () => {
    const server = await limitedServer(limiter({ limit: 3, window: 10_000 }))
    try {
      for (const remaining of ['2', '1', '0']) {
        const res = await fetch(`${server.url}/limited`)
        assert.deepEqual(await res.json(), { ok: true })
        assert.deepEqual(headersOf(res), {
          status: 200,
          limit: '3',
          remaining,
          reset: '10',
          retryAfter: null,
        })
      }
      const refused = await fetch(`${server.url}/limited`)
      await assertRefused(refused, '3', 10)
    } finally {
      await server.close()
    }
  })

  test('each key counts on its own; a request without a key is not limited', async () => {
    const byApiKey = limiter({
      limit: 1,
      window: 10_000,
      key: (ctx) => ctx.headers['x-api-key'] as string | undefined,
    })
    const server = await limitedServer(byApiKey)
    try {
      const as = (key: string) => fetch(`${server.url}/limited`, { headers: { 'x-api-key': key } })
      assert.equal((await as('alice')).status, 200)
      assert.equal((await as('alice')).status, 429)
      assert.equal((await as('bob')).status, 200)
      for (let i = 0; i < 3; i++) {
        const anonymous = await fetch(`${server.url}/limited`)
        assert.deepEqual(headersOf(anonymous), {
          status: 200,
          limit: null,
          remaining: null,
          reset: null,
          retryAfter: null,
        })
      }
    } finally {
      await server.close()
    }
  })

  test('by default, an IPv6 client counts by its /64, an IPv4 one (mapped too) by its address', async () => {
    const server = await limitedServer(limiter({ limit: 1, window: 10_000 }), { trustProxy: ['loopback'] })
    try {
      const from = (address: string) =>
        fetch(`${server.url}/limited`, { headers: { 'x-forwarded-for': address } })
      assert.deepEqual(headersOf(await from('2001:db8:1:2::1')), {
        status: 200,
        limit: '1',
        remaining: '0',
        reset: '10',
        retryAfter: null,
      })
      const refused = await from('2001:db8:1:2:ffff::9')
      await assertRefused(refused, '1', 10)
      assert.equal((await from('2001:DB8:1:2:0:0:0:1')).status, 429)
      assert.equal((await from('2001:db8:1:3::1')).status, 200)
      assert.equal((await from('192.0.2.1')).status, 200)
      assert.equal((await from('::ffff:192.0.2.1')).status, 429)
      assert.equal((await from('192.0.2.2')).status, 200)
    } finally {
      await server.close()
    }
  })

  // NOTE: a socket cannot vary its client's /64; the X-Forwarded-For test above does that.
  test('a client on an IPv6 socket is limited', async (t) => {
    const app = limitedApp(limiter({ limit: 1, window: 10_000 }))
    let port: number
    try {
      ;({ port } = await app.listen({ port: 0, host: '::1' }))
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code !== 'EADDRNOTAVAIL' && code !== 'EAFNOSUPPORT') throw error
      t.skip('no IPv6 loopback')
      return
    }
    try {
      assert.equal((await fetch(`http://[::1]:${port}/limited`)).status, 200)
      const refused = await fetch(`http://[::1]:${port}/limited`)
      await assertRefused(refused, '1', 10)
    } finally {
      await app.close()
    }
  })

  test('as an onRequest hook, it counts unknown paths and invalid bodies, before the body is read', async () => {
    const server = await limitedServer(limiter({ limit: 2, window: 10_000 }))
    try {
      const missing = await fetch(`${server.url}/nowhere`)
      assert.deepEqual(headersOf(missing), {
        status: 404,
        limit: '2',
        remaining: '1',
        reset: '10',
        retryAfter: null,
      })
      const post = () =>
        fetch(`${server.url}/members`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"email":1}',
        })
      assert.deepEqual(headersOf(await post()), {
        status: 422,
        limit: '2',
        remaining: '0',
        reset: '10',
        retryAfter: null,
      })
      assert.equal((await post()).status, 429)
    } finally {
      await server.close()
    }
  })

  test('as (ctx, next) middleware, it limits the routes it wraps', async () => {
    const app = saker({ logger: false })
    app.get('/open', {}, () => ({ ok: true }))
    app.get('/guarded', { middleware: [limiter({ limit: 1, window: 10_000 })] }, () => ({ ok: true }))
    const server = await serve(app)
    try {
      assert.equal((await fetch(`${server.url}/guarded`)).status, 200)
      assert.equal((await fetch(`${server.url}/guarded`)).status, 429)
      const open = await fetch(`${server.url}/open`)
      assert.deepEqual(headersOf(open), {
        status: 200,
        limit: null,
        remaining: null,
        reset: null,
        retryAfter: null,
      })
    } finally {
      await server.close()
    }
  })

  test('fixed window: the count starts over once the window has passed', async () => {
    const server = await limitedServer(limiter({ limit: 2, window: 400 }))
    try {
      assert.equal((await fetch(`${server.url}/limited`)).status, 200)
      assert.equal((await fetch(`${server.url}/limited`)).status, 200)
      const refused = await fetch(`${server.url}/limited`)
      assert.deepEqual(headersOf(refused), {
        status: 429,
        limit: '2',
        remaining: '0',
        reset: '1',
        retryAfter: '1',
      })
      await sleep(450)
      const again = await fetch(`${server.url}/limited`)
      assert.deepEqual(headersOf(again), {
        status: 200,
        limit: '2',
        remaining: '1',
        reset: '1',
        retryAfter: null,
      })
    } finally {
      await server.close()
    }
  })

  test('sliding window: just after a full window, the previous count still weighs', async () => {
    const server = await limitedServer(limiter({ limit: 10, window: 1000, algorithm: 'sliding' }))
    try {
      // The window starts as the first request is counted: at the latest once its reply is back
      // (on a slow machine, well after it was sent).
      assert.equal((await fetch(`${server.url}/limited`)).status, 200)
      const started = Date.now()
      for (let i = 1; i < 10; i++) assert.equal((await fetch(`${server.url}/limited`)).status, 200)
      const refused = await fetch(`${server.url}/limited`)
      assert.deepEqual(headersOf(refused), {
        status: 429,
        limit: '10',
        remaining: '0',
        reset: '1',
        retryAfter: '1',
      })
      // Into the next window by 150 ms or more: a fixed window would allow all 10 again.
      await sleep(started + 1150 - Date.now())
      const statuses: number[] = []
      for (let i = 0; i < 10; i++) statuses.push((await fetch(`${server.url}/limited`)).status)
      const allowed = statuses.filter((status) => status === 200).length
      assert.ok(allowed >= 1 && allowed <= 9, `allowed ${allowed} of 10: ${statuses}`)
      assert.deepEqual(statuses.slice(0, 1), [200])
    } finally {
      await server.close()
    }
  })
}
