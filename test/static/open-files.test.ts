import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { once } from 'node:events'
import {
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  openSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { gunzipSync, gzipSync } from 'node:zlib'
import { saker } from 'saker'
import { serve, type TestServer } from 'saker/testing'
import { send, type WireResponse } from '../helpers/http-request.ts'
import { createFixture, type Fixture, HELLO, openFilesUnder } from './fixture.ts'

const CSS = 'a { color: blue }\n'.repeat(8)
/** Files whose precompressed sibling cannot be opened, by what the sibling is. */
const BROKEN_SIBLINGS = ['dir', 'dangling', 'fifo', 'socket'] as const
const FIFOS = ['pipe.txt', 'fifo.css.gz']

/** `send`, failing after `ms` instead of waiting for an answer that never comes. */
async function sendWithin(ms: number, port: number, path: string, headers: Record<string, string> = {}) {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${path}: no answer in ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([send(port, path, headers), timeout])
  } finally {
    clearTimeout(timer)
  }
}

function assertNotFound(res: WireResponse, path: string): void {
  assert.equal(res.status, 404, path)
  assert.equal(JSON.parse(res.body.toString()).code, 'NOT_FOUND', path)
}

/** A socket file at `path`: one that cannot be opened at all (ENXIO), unlike a dangling link (ENOENT). */
async function socketFileAt(path: string): Promise<Server> {
  const socketFile = createServer().listen(path)
  await once(socketFile, 'listening')
  return socketFile
}

describe('what is opened, and that it is closed', () => {
  let fixture: Fixture
  let server: TestServer
  let socketFiles: Server[]
  const file = (path: string, content: string | Buffer) => writeFileSync(join(fixture.root, path), content)

  before(async () => {
    fixture = createFixture()
    for (const fifo of FIFOS) execFileSync('mkfifo', [join(fixture.root, fifo)])
    for (const name of BROKEN_SIBLINGS) file(`${name}.css`, CSS)
    mkdirSync(join(fixture.root, 'dir.css.gz'))
    symlinkSync('nowhere.css.gz', join(fixture.root, 'dangling.css.gz'))
    socketFiles = await Promise.all(
      ['socket.txt', 'socket.css.gz'].map((name) => socketFileAt(join(fixture.root, name))),
    )
    file('mixed.css', CSS)
    symlinkSync('nowhere.css.br', join(fixture.root, 'mixed.css.br'))
    file('mixed.css.gz', gzipSync(CSS))
    const app = saker({ logger: false })
    app.static('/assets', fixture.root)
    server = await serve(app)
  })
  after(async () => {
    // NOTE: a request stuck opening a FIFO (the bug guarded against) would keep the server from
    // closing; a writer lets it go, so such a failure fails instead of hanging.
    for (const fifo of FIFOS) {
      closeSync(openSync(join(fixture.root, fifo), constants.O_RDWR | constants.O_NONBLOCK))
    }
    await server.close()
    for (const socketFile of socketFiles) socketFile.close()
    fixture.remove()
  })

  test('a FIFO is 404 at once, and FIFOs hold no thread-pool thread: the files after them are served', async () => {
    assertNotFound(await sendWithin(2000, server.port, '/assets/pipe.txt'), 'pipe.txt')
    // Twice libuv's default pool of four: one stuck open each would leave none for the file.
    const fifos = await Promise.all(
      Array.from({ length: 8 }, () => sendWithin(2000, server.port, '/assets/pipe.txt')),
    )
    for (const res of fifos) assertNotFound(res, 'pipe.txt')
    const res = await sendWithin(2000, server.port, '/assets/hello.txt')
    assert.equal(res.status, 200)
    assert.equal(res.body.toString(), HELLO)
  })

  test('a socket file is 404', async () => {
    assertNotFound(await sendWithin(2000, server.port, '/assets/socket.txt'), 'socket.txt')
  })

  test('a sibling that cannot be opened (a directory, a dangling link, a FIFO, a socket) falls back to the file', async () => {
    for (const name of BROKEN_SIBLINGS) {
      const res = await sendWithin(2000, server.port, `/assets/${name}.css`, {
        'accept-encoding': 'br, gzip',
      })
      assert.equal(res.status, 200, name)
      assert.equal(res.headers['content-encoding'], undefined, name)
      assert.equal(res.headers['content-length'], String(CSS.length), name)
      assert.equal(res.body.toString(), CSS, name)
    }
    // A broken .br still lets the .gz through.
    const mixed = await send(server.port, '/assets/mixed.css', { 'accept-encoding': 'br, gzip' })
    assert.equal(mixed.headers['content-encoding'], 'gzip')
    assert.equal(gunzipSync(mixed.body).toString(), CSS)
  })

  test('no file under the root stays open, whatever the answer', {
    skip: !existsSync('/proc/self/fd') && 'needs /proc/self/fd',
  }, async () => {
    const root = realpathSync(fixture.root)
    const etag = (await send(server.port, '/assets/hello.txt')).headers.etag ?? ''
    const compressed = { 'accept-encoding': 'br, gzip' }
    const requests: Array<{
      path: string
      headers?: Record<string, string>
      method?: string
      status: number
    }> = [
      ...BROKEN_SIBLINGS.map((name) => ({ path: `/assets/${name}.css`, headers: compressed, status: 200 })),
      { path: '/assets/mixed.css', headers: compressed, status: 200 },
      { path: '/assets/hello.txt', headers: { 'if-none-match': etag }, status: 304 },
      { path: '/assets/hello.txt', headers: { range: 'bytes=999-' }, status: 416 },
      { path: '/assets/hello.txt', headers: { range: 'bytes=0-4' }, status: 206 },
      { path: '/assets/big.bin', method: 'HEAD', status: 200 },
      { path: '/assets/pipe.txt', status: 404 },
      { path: '/assets/socket.txt', status: 404 },
      { path: '/assets/docs', status: 301 },
      { path: '/assets/docs/', status: 200 },
      { path: '/assets/empty-dir/', status: 404 },
      { path: '/assets/empty.txt', status: 200 },
    ]
    // Sixty requests: each kind four times.
    for (let round = 0; round < 4; round++) {
      for (const { path, headers = {}, method = 'GET', status } of requests) {
        assert.equal((await send(server.port, path, headers, method)).status, status, `${method} ${path}`)
      }
    }
    // The last reply's stream closes its file just after the response ends.
    const deadline = Date.now() + 2000
    while (openFilesUnder(root).length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    assert.deepEqual(openFilesUnder(root), [])
  })
})
