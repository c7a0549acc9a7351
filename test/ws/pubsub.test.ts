import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { after, describe, test } from 'node:test'
import { saker } from '../../src/index.ts'
import { serve } from '../../src/testing/index.ts'
import { pubsubApp } from '../fixtures/ws-pubsub-app.ts'
import { describeWithRedis, REDIS_URL, uniquePrefix } from '../helpers/redis.ts'
import { TestSocket } from '../helpers/ws-client.ts'

/** Opens a socket on the pub/sub app and reads the pid it greets with. */
async function connect(port: number): Promise<{ socket: TestSocket; pid: number }> {
  const socket = await TestSocket.open(`ws://127.0.0.1:${port}/pubsub`)
  return { socket, pid: (await socket.json()).pid }
}

async function subscribe(socket: TestSocket, topic: string): Promise<void> {
  socket.sendJson({ subscribe: topic })
  assert.deepEqual(await socket.json(), { subscribed: topic })
}

/** Starts test/fixtures/ws-pubsub-server.ts and resolves with its port; the process stops at the end of the file. */
async function startServer(env: Record<string, string>): Promise<number> {
  const child: ChildProcess = spawn(
    process.execPath,
    [...process.execArgv, 'test/fixtures/ws-pubsub-server.ts'],
    { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] },
  )
  after(async () => {
    child.stdin?.end()
    if (child.exitCode === null) await once(child, 'exit')
  })
  const [line] = (await once(child.stdout?.setEncoding('utf8') as NodeJS.ReadableStream, 'data')) as [string]
  return JSON.parse(line).port
}

describe('pub/sub in one process', { timeout: 10_000 }, () => {
  test('publish reaches subscribers, text as text and bytes as bytes, and stops at unsubscribe', async () => {
    const app = saker({ logger: false, pubsub: { redis: false, channel: `${uniquePrefix()}local` } })
    app.ws('/feed', {
      open: (socket) => socket.subscribe('news').then(() => socket.send('ready')),
      message: (socket, data) => {
        if (data === 'leave') {
          socket.unsubscribe('news')
          socket.json({ left: !socket.isSubscribed('news') })
        } else app.publish('news', data)
      },
    })
    const server = await serve(app)
    after(() => server.close())
    const url = `${server.url.replace('http:', 'ws:')}/feed`
    const [a, b] = await Promise.all([TestSocket.open(url), TestSocket.open(url)])
    assert.equal(await a.next(), 'ready')
    assert.equal(await b.next(), 'ready')
    a.send('hello')
    assert.equal(await a.next(), 'hello')
    assert.equal(await b.next(), 'hello')
    app.publish('news', Buffer.from([7]))
    assert.deepEqual(await a.next(), Buffer.from([7]))
    assert.deepEqual(await b.next(), Buffer.from([7]))
    app.publish('news', { n: 1 })
    assert.deepEqual(await a.json(), { n: 1 })
    assert.deepEqual(await b.json(), { n: 1 })
    b.send('leave')
    assert.deepEqual(await b.json(), { left: true })
    a.send('after')
    assert.equal(await a.next(), 'after')
    b.send('leave')
    // b hears its own answer, not "after": it no longer receives the topic.
    assert.deepEqual(await b.json(), { left: true })
    await Promise.all([a.close(), b.close()])
  })

  test('a socket that subscribes after it closed (a late async handler) is not kept', async () => {
    const app = saker({ logger: false, pubsub: { redis: false, channel: `${uniquePrefix()}late` } })
    let closed!: () => void
    const gone = new Promise<void>((resolve) => {
      closed = resolve
    })
    let late!: (subscribed: boolean) => void
    const subscribedLate = new Promise<boolean>((resolve) => {
      late = resolve
    })
    app.ws('/late', {
      open: async (socket) => {
        await gone
        await socket.subscribe('news')
        late(socket.isSubscribed('news'))
      },
      close: () => closed(),
    })
    const server = await serve(app)
    try {
      const client = await TestSocket.open(`${server.url.replace('http:', 'ws:')}/late`)
      await client.close()
      assert.equal(await subscribedLate, false)
    } finally {
      await server.close()
    }
  })

  test('socket.publish reaches every subscriber but the socket itself', async () => {
    const app = pubsubApp({ redis: false, channel: `${uniquePrefix()}others` })
    const server = await serve(app)
    after(() => server.close())
    const [a, b] = await Promise.all([connect(server.port), connect(server.port)])
    await subscribe(a.socket, 'room')
    await subscribe(b.socket, 'room')
    a.socket.sendJson({ publish: 'from a', topic: 'room', others: true })
    assert.equal(await b.socket.next(), 'from a')
    a.socket.sendJson({ publish: 'to all', topic: 'room' })
    // a did not hear its own "from a": the next it hears is the message to all.
    assert.equal(await a.socket.next(), 'to all')
    await Promise.all([a.socket.close(), b.socket.close()])
  })
})

test('across two workers, a message published in one reaches subscribers in the other', {
  timeout: 30_000,
}, async () => {
  const port = await startServer({ WORKERS: '2', PUBSUB_CHANNEL: `${uniquePrefix()}cluster` })
  // The primary hands connections to its workers in turn: connect until both have a socket.
  const byPid = new Map<number, TestSocket>()
  const extra: TestSocket[] = []
  for (let attempt = 0; byPid.size < 2 && attempt < 20; attempt++) {
    const { socket, pid } = await connect(port)
    if (byPid.has(pid)) extra.push(socket)
    else byPid.set(pid, socket)
  }
  assert.equal(byPid.size, 2, 'sockets on two workers')
  const [first, second] = [...byPid.values()] as [TestSocket, TestSocket]
  await subscribe(second, 'jobs')
  first.sendJson({ publish: 'done', topic: 'jobs' })
  assert.equal(await second.next(), 'done')
  // Exactly once: the next message is the next one published.
  first.sendJson({ publish: 'done again', topic: 'jobs' })
  assert.equal(await second.next(), 'done again')
  await Promise.all([...byPid.values(), ...extra].map((socket) => socket.close()))
})

describeWithRedis('pub/sub across instances, through Redis', () => {
  test('a message published on one instance reaches the subscribers of the other, once', {
    timeout: 30_000,
  }, async () => {
    const channel = `${uniquePrefix()}redis`
    const otherPort = await startServer({ PUBSUB_REDIS: REDIS_URL, PUBSUB_CHANNEL: channel })
    const app = pubsubApp({ redis: REDIS_URL, channel })
    const server = await serve(app)
    after(() => server.close())
    const here = await connect(server.port)
    const there = await connect(otherPort)
    assert.notEqual(here.pid, there.pid)
    await subscribe(here.socket, 'orders')
    await subscribe(there.socket, 'orders')
    app.publish('orders', 'from here')
    assert.equal(await there.socket.next(), 'from here')
    assert.equal(await here.socket.next(), 'from here')
    there.socket.sendJson({ publish: 'from there', topic: 'orders', others: true })
    assert.equal(await here.socket.next(), 'from there')
    app.publish('orders', 'second')
    // Once each: no copy of an earlier message comes before the next one.
    assert.equal(await there.socket.next(), 'second')
    assert.equal(await here.socket.next(), 'second')
    await Promise.all([here.socket.close(), there.socket.close()])
  })
})
