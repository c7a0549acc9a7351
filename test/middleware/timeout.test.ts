import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { pino } from 'pino'
import { saker } from 'saker'
import { timeout } from 'saker/middleware'
import { serve } from 'saker/testing'
import { send } from '../helpers/http-request.ts'

function timedOut(ms: number, instance: string) {
  return {
    type: 'about:blank',
    title: 'Service Unavailable',
    status: 503,
    code: 'TIMEOUT',
    detail: `The request took longer than ${ms} ms.`,
    instance,
  }
}

describe('timeout()', () => {
  test('a slow handler gets a 503 problem; its late result and error are dropped', {
    timeout: 5000,
  }, async () => {
    // Late failures are logged, not thrown: the log lines are captured to check.
    const lines: Array<{ level: number; msg: string; err?: { message: string } }> = []
    let logged!: () => void
    const threeLines = new Promise<void>((resolve) => {
      logged = resolve
    })
    const destination = {
      write: (line: string) => {
        if (lines.push(JSON.parse(line)) === 3) logged()
      },
    }
    const app = saker({ logger: pino({ level: 'warn' }, destination), accessLog: false })
    // NOTE: the slow handlers wait for the test, not a clock: on a loaded machine a sleep may outlast the timeout's margin.
    let release!: () => void
    const released = new Promise<void>((resolve) => {
      release = resolve
    })
    let lateDone = 0
    app.use(timeout(50))
    app.get('/fast', {}, () => ({ fast: true }))
    app.get('/slow', {}, async (ctx) => {
      await released
      lateDone++
      return ctx.json({ late: true })
    })
    app.get('/slow-fail', {}, async () => {
      await released
      lateDone++
      throw new Error('late boom')
    })
    const server = await serve(app)
    try {
      const fast = await send(server.port, '/fast')
      assert.equal(fast.status, 200)
      assert.deepEqual(JSON.parse(fast.body.toString()), { fast: true })

      const slow = await send(server.port, '/slow')
      assert.equal(lateDone, 0, 'answered before the handler finished')
      assert.equal(slow.status, 503)
      assert.equal(slow.headers['content-type'], 'application/problem+json')
      assert.deepEqual(JSON.parse(slow.body.toString()), timedOut(50, '/slow'))

      const failing = await send(server.port, '/slow-fail')
      assert.equal(failing.status, 503)
      release()
      await threeLines
      // Both handlers finished late, the process is alive and the server still answers.
      assert.equal(lateDone, 2)
      assert.deepEqual(
        lines.map((line) => [line.level, line.msg, line.err?.message]),
        [
          // Every 5xx is logged as an error by the lifecycle; the late failure is a warning.
          [50, 'request failed', 'The request took longer than 50 ms.'],
          [50, 'request failed', 'The request took longer than 50 ms.'],
          [40, 'request failed after it timed out', 'late boom'],
        ],
      )
      assert.equal((await send(server.port, '/fast')).status, 200)
    } finally {
      await server.close()
    }
  })

  test('per route, and errors before the deadline are passed on as they are', { timeout: 5000 }, async () => {
    const app = saker({ logger: false })
    app.get('/quick-fail', { middleware: [timeout(1000)] }, () => {
      throw new Error('boom')
    })
    app.get('/report', { middleware: [timeout(30)] }, async () => {
      await sleep(100)
      return { done: true }
    })
    const server = await serve(app)
    try {
      const fail = await send(server.port, '/quick-fail')
      assert.equal(fail.status, 500)
      assert.equal(JSON.parse(fail.body.toString()).code, 'INTERNAL_ERROR')
      const report = await send(server.port, '/report')
      assert.deepEqual(JSON.parse(report.body.toString()), timedOut(30, '/report'))
    } finally {
      await server.close()
    }
  })

  test('a timeout that is not a positive integer throws', () => {
    assert.throws(() => timeout(0), /positive/)
    assert.throws(() => timeout(1.5), /positive/)
  })
})
