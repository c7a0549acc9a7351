import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { Redis } from 'ioredis'
import { pino } from 'pino'
import { saker } from '../../src/index.ts'
import { type RateLimitOptions, rateLimit } from '../../src/middleware/index.ts'
import { serve } from '../../src/testing/index.ts'
import { getOnce, withCluster } from '../helpers/cluster.ts'
import { describeWithRedis, REDIS_URL, uniquePrefix } from '../helpers/redis.ts'
import { headersOf, limitedServer, rateLimitCases } from './rate-limit.case.ts'

describeWithRedis('rateLimit, on Redis', () => {
  rateLimitCases(() => ({ redis: REDIS_URL, prefix: uniquePrefix() }))

  test('limits hold across two app instances sharing Redis', async () => {
    const shared = { limit: 3, window: 10_000, redis: REDIS_URL, prefix: uniquePrefix() }
    const first = rateLimit(shared)
    const second = rateLimit(shared)
    const a = await limitedServer(first)
    const b = await limitedServer(second)
    try {
      const expected = [
        [a, 200, '2'],
        [b, 200, '1'],
        [a, 200, '0'],
        [b, 429, '0'],
        [a, 429, '0'],
      ] as const
      for (const [server, status, remaining] of expected) {
        const res = await fetch(`${server.url}/limited`)
        assert.deepEqual([res.status, res.headers.get('ratelimit-remaining')], [status, remaining])
      }
    } finally {
      await Promise.all([a.close(), b.close(), first.close(), second.close()])
    }
  })

  test('REDIS_URL is used when no store is named', async () => {
    const saved = process.env.REDIS_URL
    process.env.REDIS_URL = REDIS_URL
    const prefix = uniquePrefix()
    // two limiters: in memory each would count alone
    const first = rateLimit({ limit: 1, window: 10_000, prefix })
    const second = rateLimit({ limit: 1, window: 10_000, prefix })
    if (saved === undefined) delete process.env.REDIS_URL
    else process.env.REDIS_URL = saved
    const a = await limitedServer(first)
    const b = await limitedServer(second)
    try {
      assert.equal((await fetch(`${a.url}/limited`)).status, 200)
      assert.equal((await fetch(`${b.url}/limited`)).status, 429)
    } finally {
      await Promise.all([a.close(), b.close(), first.close(), second.close()])
    }
  })

  test('an ioredis client of your own is used, and left open on close()', async () => {
    const client = new Redis(REDIS_URL)
    after(() => client.quit())
    const prefix = uniquePrefix()
    const limiter = rateLimit({ limit: 1, window: 10_000, redis: client, prefix })
    const server = await limitedServer(limiter)
    try {
      assert.equal((await fetch(`${server.url}/limited`)).status, 200)
      assert.equal((await fetch(`${server.url}/limited`)).status, 429)
      const { s, ...counts } = await client.hgetall(`${prefix}127.0.0.1`)
      assert.deepEqual(counts, { c: '1', p: '0' })
      assert.ok(Math.abs(Number(s) - Date.now()) < 5_000, `window start ${s}`)
      const ttl = await client.pttl(`${prefix}127.0.0.1`)
      assert.ok(ttl > 9_000 && ttl <= 10_000, `ttl ${ttl}`)
    } finally {
      await server.close()
      await limiter.close()
    }
    assert.equal(await client.ping(), 'PONG')
  })

  test('limits hold across the workers of a cluster', async () => {
    const prefix = uniquePrefix()
    const statuses = await withCluster({ REDIS_URL, RATE_LIMIT_PREFIX: prefix }, async (url) => {
      const seen: number[] = []
      const workers = new Set<string>()
      for (let i = 0; i < 6; i++) {
        const res = await getOnce(`${url}/limited`)
        seen.push(res.status)
        workers.add(res.headers['x-worker'] as string)
      }
      assert.equal(workers.size, 2, 'both workers answered')
      return seen
    })
    assert.deepEqual(statuses, [200, 200, 200, 200, 429, 429])
  })
})

describe('rateLimit, Redis unreachable', () => {
  async function downServer(options: Partial<RateLimitOptions>) {
    const lines: { level: number; msg: string }[] = []
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) })
    const limiter = rateLimit({ limit: 1, window: 10_000, redis: 'redis://127.0.0.1:1', ...options })
    const app = saker({ logger, accessLog: false })
    app.addHook('onRequest', limiter)
    app.get('/limited', {}, () => ({ ok: true }))
    const server = await serve(app)
    const limiterLines = () => lines.filter((line) => line.msg.startsWith('rate limit'))
    return { server, limiterLines, limiter }
  }

  test('fails open: requests pass without limits, and the outage is logged once', async () => {
    const { server, limiterLines, limiter } = await downServer({})
    try {
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${server.url}/limited`)
        assert.deepEqual(headersOf(res), {
          status: 200,
          limit: null,
          remaining: null,
          reset: null,
          retryAfter: null,
        })
      }
      assert.deepEqual(
        limiterLines().map((line) => [line.level, line.msg]),
        [[50, 'rate limit store unavailable: requests are let through unlimited']],
      )
    } finally {
      await server.close()
      await limiter.close()
    }
  })

  test('with failOpen: false, requests get a 503 problem', async () => {
    const { server, limiterLines, limiter } = await downServer({ failOpen: false })
    try {
      const res = await fetch(`${server.url}/limited`)
      assert.equal(res.status, 503)
      assert.equal(res.headers.get('retry-after'), '1')
      assert.deepEqual(await res.json(), {
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        code: 'SERVICE_UNAVAILABLE',
        detail: 'Rate limiting is unavailable; try again shortly.',
        instance: '/limited',
      })
      assert.equal((await fetch(`${server.url}/limited`)).status, 503)
      assert.deepEqual(
        limiterLines().map((line) => line.msg),
        ['rate limit store unavailable: requests are refused'],
      )
    } finally {
      await server.close()
      await limiter.close()
    }
  })
})
