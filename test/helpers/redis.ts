/**
 * The local Redis for tests of what holds across workers and instances (rate limits, pub/sub):
 * TEST_REDIS_URL, default redis://127.0.0.1:6379. Unreachable, its tests are skipped with the
 * reason, except under CI=true, where they fail: CI must run them.
 */
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import { probe } from './databases.ts'

export const REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379'

const unreachable = (await probe(REDIS_URL, 6379)) ? undefined : `Redis unreachable at ${REDIS_URL}`

/** A `describe` that needs Redis: skipped with the reason when it is down (failed under CI=true). */
export function describeWithRedis(title: string, fn: () => void): void {
  if (unreachable !== undefined && process.env.CI === 'true') {
    describe(title, () => {
      it('reaches Redis', () => {
        throw new Error(`${unreachable} (CI=true runs every service)`)
      })
    })
  } else {
    describe(title, unreachable === undefined ? {} : { skip: unreachable }, fn)
  }
}

/** A key prefix no other test (or test file running at the same time) uses. */
export function uniquePrefix(): string {
  return `saker_test_${process.pid}_${randomBytes(4).toString('hex')}:`
}
