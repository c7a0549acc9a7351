import assert from 'node:assert/strict'
import { describe, it, test } from 'node:test'
import { saker } from '../../src/index.ts'
import { databaseCheck, type HealthOptions, health } from '../../src/monitoring/index.ts'
import { inject, serve } from '../../src/testing/index.ts'
import { forEachDatabase } from '../helpers/databases.ts'

function appWith(options?: HealthOptions) {
  const app = saker({ logger: false })
  health(app, options)
  return app
}

/** The body with each check's duration checked to be a number, then left out. */
function withoutDurations(body: Record<string, any>): Record<string, any> {
  for (const result of Object.values<{ duration?: unknown }>(body.checks ?? {})) {
    assert.equal(typeof result.duration, 'number')
    delete result.duration
  }
  return body
}

test('/healthz answers 200 while the process serves, never cached', async () => {
  const res = await inject(appWith(), '/healthz')
  assert.equal(res.statusCode, 200)
  assert.equal(res.headers['content-type'], 'application/json')
  assert.equal(res.headers['cache-control'], 'no-store')
  assert.deepEqual(res.json(), { status: 'ok' })
})

test('/readyz runs every check: 200 with each one’s status when all pass', async () => {
  const app = appWith({ checks: { sync: () => true, async: async () => 'pong' } })
  const res = await inject(app, '/readyz')
  assert.equal(res.statusCode, 200)
  assert.equal(res.headers['cache-control'], 'no-store')
  assert.deepEqual(withoutDurations(res.json()), {
    status: 'ok',
    checks: { sync: { status: 'ok' }, async: { status: 'ok' } },
  })
})

test('/readyz answers a 503 problem naming the checks that threw, returned false or timed out', async () => {
  const app = appWith({
    timeout: 50,
    checks: {
      fine: () => undefined,
      broken: () => {
        throw new Error('connection refused')
      },
      down: async () => false,
      slow: () => new Promise(() => {}),
    },
  })
  const res = await inject(app, '/readyz')
  assert.equal(res.statusCode, 503)
  assert.equal(res.headers['content-type'], 'application/problem+json')
  assert.equal(res.headers['cache-control'], 'no-store')
  const body = res.json()
  assert.ok(body.checks.slow.duration >= 50, `slow took ${body.checks.slow.duration} ms`)
  assert.deepEqual(withoutDurations(body), {
    type: 'about:blank',
    title: 'Service Unavailable',
    status: 503,
    code: 'NOT_READY',
    detail: 'Not ready: broken, down, slow.',
    instance: '/readyz',
    checks: {
      fine: { status: 'ok' },
      broken: { status: 'failed' },
      down: { status: 'failed' },
      slow: { status: 'timed out' },
    },
  })
})

test('once the app closes, /readyz answers 503 so that it is drained; /healthz still 200', async () => {
  const app = appWith({ checks: { fine: () => true } })
  const server = await serve(app)
  assert.equal((await inject(app, '/readyz')).statusCode, 200)
  await server.close()
  const ready = await inject(app, '/readyz')
  assert.equal(ready.statusCode, 503)
  assert.deepEqual(ready.json(), {
    type: 'about:blank',
    title: 'Service Unavailable',
    status: 503,
    code: 'SHUTTING_DOWN',
    detail: 'The server is shutting down.',
    instance: '/readyz',
  })
  assert.equal((await inject(app, '/healthz')).statusCode, 200)
})

test('the probes can move, and stay out of the OpenAPI document', async () => {
  const app = appWith({ livenessPath: '/live', readinessPath: '/ready' })
  assert.equal((await inject(app, '/live')).statusCode, 200)
  assert.equal((await inject(app, '/ready')).statusCode, 200)
  assert.equal((await inject(app, '/healthz')).statusCode, 404)
  const document = (await inject(app, '/openapi.json')).json()
  assert.deepEqual(document.paths, {})
})

forEachDatabase('databaseCheck', (target) => {
  it('is ready while the database answers, and names it once it is gone', async () => {
    const db = await target.connect()
    const app = appWith({ checks: { database: databaseCheck(db) } })
    const ready = await inject(app, '/readyz')
    assert.equal(ready.statusCode, 200)
    assert.deepEqual(withoutDurations(ready.json()), { status: 'ok', checks: { database: { status: 'ok' } } })
    await db.close()
    const gone = await inject(app, '/readyz')
    assert.equal(gone.statusCode, 503)
    const body = withoutDurations(gone.json())
    assert.equal(body.detail, 'Not ready: database.')
    assert.deepEqual(body.checks, { database: { status: 'failed' } })
  })
})

describe('databaseCheck', () => {
  it('runs select 1 through the database’s readRows', async () => {
    const seen: unknown[] = []
    const check = databaseCheck({
      readRows: async (text, values) => {
        seen.push([text, values])
        return [[1]]
      },
    })
    await check()
    assert.deepEqual(seen, [['select 1', []]])
  })
})
