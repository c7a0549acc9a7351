import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { test } from 'node:test'
import { promisify } from 'node:util'
import { answerGather, broadcast, gather, onBroadcast } from '../../src/serve/cluster-bus.ts'

test("outside a cluster, a broadcast reaches this process's listeners, after the call returns", async () => {
  const heard: unknown[] = []
  const stop = onBroadcast('single', (data) => heard.push(data))
  broadcast('single', { n: 1 })
  assert.deepEqual(heard, [])
  await Promise.resolve()
  assert.deepEqual(heard, [{ n: 1 }])
  stop()
  broadcast('single', { n: 2 })
  await Promise.resolve()
  assert.deepEqual(heard, [{ n: 1 }])
})

test("outside a cluster, gather answers with this process's provider, or nothing", async () => {
  assert.deepEqual(await gather('nobody-answers'), [])
  answerGather('own', async () => 42)
  assert.deepEqual(await gather('own'), [42])
})

test('across two workers, the primary relays broadcasts to both and gathers both answers', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...process.execArgv, 'test/fixtures/cluster-bus-app.ts'],
    { timeout: 20_000 },
  )
  assert.deepEqual(JSON.parse(stdout), { heard: ['a:hello', 'b:hello'], gathered: ['a', 'b'] })
})
