import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { rateLimit } from '../../src/middleware/index.ts'
import { MemoryStore } from '../../src/middleware/rate-limit-memory.ts'
import { limitedServer, rateLimitCases } from './rate-limit.case.ts'

describe('rateLimit, in memory', () => {
  rateLimitCases(() => ({ redis: false }))

  test('past maxKeys, the key with the oldest window is forgotten', async () => {
    const server = await limitedServer(
      rateLimit({
        limit: 1,
        window: 10_000,
        redis: false,
        maxKeys: 2,
        key: (ctx) => ctx.query.who as string,
      }),
    )
    try {
      const as = async (who: string) => (await fetch(`${server.url}/limited?who=${who}`)).status
      assert.equal(await as('a'), 200)
      assert.equal(await as('a'), 429)
      assert.equal(await as('b'), 200)
      assert.equal(await as('b'), 429)
      assert.equal(await as('c'), 200) // a is forgotten to make room
      assert.equal(await as('b'), 429)
      assert.equal(await as('a'), 200)
    } finally {
      await server.close()
    }
  })

  test('ipv6Subnet sets how much of an IPv6 address makes one client', async () => {
    const limiter = rateLimit({ limit: 1, window: 10_000, redis: false, ipv6Subnet: 48 })
    const server = await limitedServer(limiter, { trustProxy: ['loopback'] })
    try {
      const from = async (address: string) =>
        (await fetch(`${server.url}/limited`, { headers: { 'x-forwarded-for': address } })).status
      assert.equal(await from('2001:db8:1:2::1'), 200)
      assert.equal(await from('2001:db8:1:ffff::1'), 429)
      assert.equal(await from('2001:db8:2::1'), 200)
    } finally {
      await server.close()
    }
  })

  // NOTE: a mocked clock, not sleeps: on a loaded machine a sleep can overrun into the next window.
  test('expired keys are dropped by a later request, without a timer', (t) => {
    let now = 1_000_000
    t.mock.method(Date, 'now', () => now)
    const store = new MemoryStore({ limit: 5, window: 100, algorithm: 'fixed' })
    store.hit('a')
    store.hit('b')
    assert.equal(store.size, 2)
    now += 120
    assert.deepEqual(store.hit('c'), { allowed: true, current: 1, previous: 0, elapsed: 0 })
    assert.equal(store.size, 1)
  })

  test('sliding keys live two windows: the previous count weighs on the next one', (t) => {
    let now = 1_000_000
    t.mock.method(Date, 'now', () => now)
    const store = new MemoryStore({ limit: 5, window: 200, algorithm: 'sliding' })
    store.hit('a')
    now += 240
    store.hit('b')
    assert.equal(store.size, 2)
    now += 200
    store.hit('c')
    assert.equal(store.size, 2) // a (window began at 0) is gone; b is not
  })

  test('bad options are refused when the limiter is made', () => {
    assert.throws(() => rateLimit({ limit: 0, window: 1000 }), {
      name: 'RangeError',
      message: 'rateLimit: limit must be a positive integer',
    })
    assert.throws(() => rateLimit({ limit: 1, window: 0.5 }), {
      name: 'RangeError',
      message: 'rateLimit: window must be a whole number of ms',
    })
    for (const maxKeys of [Number.NaN, 0, -1, 1.5]) {
      assert.throws(() => rateLimit({ limit: 1, window: 1000, redis: false, maxKeys }), {
        name: 'RangeError',
        message: 'rateLimit: maxKeys must be a positive integer',
      })
    }
    for (const ipv6Subnet of [Number.NaN, 31, 129, 64.5]) {
      assert.throws(() => rateLimit({ limit: 1, window: 1000, redis: false, ipv6Subnet }), {
        name: 'RangeError',
        message: 'rateLimit: ipv6Subnet must be a whole number from 32 to 128',
      })
    }
  })
})
