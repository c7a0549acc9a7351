import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { saker } from '../../src/index.ts'
import { serve, type TestServer } from '../../src/testing/index.ts'
import { TestSocket } from '../helpers/ws-client.ts'

describe('WebSocket heartbeat', { timeout: 10_000 }, () => {
  const app = saker({ logger: false })
  let closedOnServer = (_code: number) => {}
  app.ws('/live', { heartbeat: 50 }, { close: (_socket, code) => closedOnServer(code) })
  let server: TestServer
  let url: string
  before(async () => {
    server = await serve(app)
    url = `${server.url.replace('http:', 'ws:')}/live`
  })
  after(() => server.close())

  test('a peer that answers pings stays open', async () => {
    const socket = await TestSocket.open(url)
    let pings = 0
    await new Promise<void>((resolve) => {
      socket.raw.on('ping', () => {
        if (++pings === 4) resolve()
      })
    })
    assert.equal(socket.raw.readyState, socket.raw.OPEN)
    await socket.close()
  })

  test('a peer that does not answer pings is terminated', async () => {
    const serverCode = new Promise((resolve) => {
      closedOnServer = resolve
    })
    const socket = await TestSocket.open(url, { autoPong: false })
    let pings = 0
    socket.raw.on('ping', () => pings++)
    // Terminated: the connection drops without a close frame.
    assert.equal((await socket.closed).code, 1006)
    assert.ok(pings >= 1, 'pinged before being terminated')
    assert.equal(await serverCode, 1006)
  })
})
