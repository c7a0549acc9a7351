// `saker serve --workers`: a crashed worker is replaced, SIGHUP restarts the workers without a
// failed request, SIGTERM lets in-flight requests finish and exits 0. Real processes and sockets.
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { get, type IncomingMessage } from 'node:http'
import { describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { loadAutocannon } from '../../src/cli/autocannon.ts'
import { startSaker } from './serve-process.ts'

const APP = 'test/fixtures/serve-app.ts'

/** The pid of the worker that answers, over a new connection (a kept-alive one stays with its worker). */
function pidOf(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(`${url}/pid`, { agent: false }, (res) => {
      let body = ''
      res.on('data', (chunk) => {
        body += chunk
      })
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`${res.statusCode}`))))
    }).on('error', reject)
  })
}

/** The pids of `count` workers, once that many answer. */
async function workerPids(url: string, count: number): Promise<Set<string>> {
  const pids = new Set<string>()
  for (let tries = 0; tries < 200 && pids.size < count; tries++) {
    pids.add(await pidOf(url))
    if (tries > 2 * count) await sleep(50)
  }
  assert.equal(pids.size, count, `${pids.size} workers answer, not ${count}`)
  return pids
}

/**
 * A GET on a new connection that tells when it is in flight: with `Expect: 100-continue`, node's
 * server answers `100 Continue` as it hands the request to the app.
 */
function inFlight(url: string) {
  const req = get(url, { agent: false, headers: { expect: '100-continue' } })
  const started = once(req, 'continue').then(() => undefined)
  const reply = once(req, 'response').then(async (args) => {
    const res = args[0] as IncomingMessage
    let body = ''
    for await (const chunk of res) body += chunk
    return { status: res.statusCode, body }
  })
  return { started, reply }
}

const CONNECTIONS = 8

/**
 * autocannon against `url` for `seconds`, with every request error kept; `running` resolves once
 * the load is on (five answers per connection).
 */
async function load(url: string, seconds: number) {
  const autocannon = await loadAutocannon()
  const run = autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    pipelining: 1,
    method: 'GET',
    headers: {},
    timeout: 10,
  })
  const errors: Array<{ code: string; at: number }> = []
  run.on('reqError', (error: NodeJS.ErrnoException) =>
    errors.push({ code: error.code ?? error.message, at: Date.now() }),
  )
  let answers = 0
  const running = new Promise<void>((resolve, reject) => {
    run.on('response', () => {
      if (++answers === 5 * CONNECTIONS) resolve()
    })
    run.then(() => reject(new Error(`the load ended after ${answers} answers`)))
  })
  return { result: run.then((result) => result), errors, running }
}

describe('saker serve --workers', () => {
  it('replaces a worker that crashes, and the others keep answering meanwhile', {
    timeout: 20_000,
  }, async () => {
    const server = await startSaker(['serve', APP, '-p', '0', '-w', '2'])
    try {
      const before = await workerPids(server.url, 2)
      await fetch(`${server.url}/crash`).catch(() => {})
      await server.logged('a worker died; replacing it')
      for (let i = 0; i < 10; i++) await pidOf(server.url)
      let replacement: string | undefined
      for (let tries = 0; tries < 100 && replacement === undefined; tries++) {
        const pid = await pidOf(server.url)
        if (!before.has(pid)) replacement = pid
        else await sleep(100)
      }
      assert.ok(replacement, `no new worker answered:\n${server.output()}`)
      assert.match(server.output(), /"code":3,"signal":null,"replacedInMs":0/)
    } finally {
      await server.kill()
    }
  })

  it('restarts every worker on SIGHUP, one by one, with no failed request under load', {
    timeout: 30_000,
  }, async () => {
    const server = await startSaker(['serve', APP, '-p', '0', '-w', '2'])
    try {
      const before = await workerPids(server.url, 2)
      const { result, errors, running } = await load(`${server.url}/pid`, 5)
      await running
      server.child.kill('SIGHUP')
      await server.logged('rolling restart done', 20_000)
      const report = await result
      assert.deepEqual(errors, [])
      assert.equal(report.errors, 0)
      assert.equal(report.timeouts, 0)
      assert.equal(report.non2xx, 0)
      assert.ok(report.requests.total > 100, `${report.requests.total} requests`)
      const after = await workerPids(server.url, 2)
      for (const pid of after) assert.ok(!before.has(pid), `worker ${pid} survived the restart`)
    } finally {
      await server.kill()
    }
  })

  it('on SIGTERM under load, finishes the requests in flight and exits 0', { timeout: 30_000 }, async () => {
    const server = await startSaker(['serve', APP, '-p', '0', '-w', '2', '--grace', '5'])
    try {
      await workerPids(server.url, 2)
      const { result, errors, running } = await load(`${server.url}/pid`, 3)
      await running
      const slow = [1, 2, 3].map(() => inFlight(`${server.url}/slow?ms=1500`))
      await Promise.all(slow.map(({ started }) => started))
      const stoppedAt = Date.now()
      server.child.kill('SIGTERM')
      for (const { status, body } of await Promise.all(slow.map(({ reply }) => reply))) {
        assert.equal(status, 200)
        assert.equal((JSON.parse(body) as { slept: number }).slept, 1500)
      }
      assert.equal(await server.exited, 0)
      const report = await result
      assert.equal(report.non2xx, 0)
      assert.equal(report.timeouts, 0)
      // Nothing failed before the signal; after it, only new connections fail (refused once the
      // port is closed, or reset when they were queued as the last worker left).
      assert.deepEqual(
        errors.filter(({ code, at }) => at < stoppedAt || (code !== 'ECONNREFUSED' && code !== 'ECONNRESET')),
        [],
      )
      assert.match(server.output(), /"msg":"stopped"/)
    } finally {
      await server.kill()
    }
  })
})
