import assert from 'node:assert/strict'
import { existsSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { saker } from 'saker'
import { serve, type TestServer } from 'saker/testing'
import { locateByFd, locateByPath } from '../../src/static/open-under.ts'
import { send } from '../helpers/http-request.ts'
import { RawClient } from '../helpers/raw-http.ts'
import { createFixture, type Fixture, HELLO, SECRET } from './fixture.ts'

const PROBLEM = 'application/problem+json'

function problem(status: number, title: string, code: string, detail: string, instance: string) {
  return { type: 'about:blank', title, status, code, detail, instance }
}

const notFound = (instance: string) =>
  problem(404, 'Not Found', 'NOT_FOUND', 'No file matches the path.', instance)

// Sent as they are by node:http (fetch would resolve the dots before sending). The root is
// <base>/public; <base>/secret.txt and <base>/public-evil/secret.txt hold the secret.
const ESCAPES = [
  '/assets/../secret.txt',
  '/assets/../../../../../../etc/passwd',
  '/assets/docs/../../secret.txt',
  '/assets/%2e%2e/secret.txt',
  '/assets/%2E%2E/secret.txt',
  '/assets/%2e%2e%2fsecret.txt',
  '/assets/..%2fsecret.txt',
  '/assets/..%2F..%2F..%2F..%2Fetc%2Fpasswd',
  '/assets/.%2e/public-evil/secret.txt',
  '/assets/%2fetc%2fpasswd',
  '/assets//etc/passwd',
  '/assets/%2F..%2Fsecret.txt',
  '/assets/..\\secret.txt',
  '/assets/..%5csecret.txt',
  '/assets/%5c..%5c..%5csecret.txt',
  // Symlinks whose targets are outside the root (the second shares its name's prefix).
  '/assets/link-out.txt',
  '/assets/link-evil.txt',
  '/assets/link-dir-out/secret.txt',
  '/assets/link-dir-out/public-evil/secret.txt',
]

describe('no escape from the root', () => {
  let fixture: Fixture
  let server: TestServer
  before(async () => {
    fixture = createFixture()
    const app = saker({ logger: false })
    app.static('/assets', fixture.root, { dotfiles: 'allow' })
    server = await serve(app)
  })
  after(async () => {
    await server.close()
    fixture.remove()
  })

  test('the secret is reachable from the root, so the attempts below would find it', async () => {
    // Guards the test itself: these would serve the secret if the checks were missing.
    const { readFileSync } = await import('node:fs')
    assert.equal(readFileSync(`${fixture.root}/../secret.txt`, 'utf8'), SECRET)
    assert.equal(readFileSync(`${fixture.root}/link-out.txt`, 'utf8'), SECRET)
    assert.equal(readFileSync(`${fixture.root}/link-dir-out/public-evil/secret.txt`, 'utf8'), SECRET)
  })

  for (const path of ESCAPES) {
    test(`GET ${path} is a 404 problem`, async () => {
      const res = await send(server.port, path)
      assert.equal(res.status, 404)
      assert.equal(res.headers['content-type'], PROBLEM)
      assert.deepEqual(JSON.parse(res.body.toString()), notFound(path))
      assert.ok(!res.body.toString().includes(SECRET))
    })
  }

  test('a null byte is a 400 problem', async () => {
    for (const path of ['/assets/hello.txt%00.png', '/assets/%00', '/assets/..%00/secret.txt']) {
      const res = await send(server.port, path)
      assert.equal(res.status, 400, path)
      assert.deepEqual(
        JSON.parse(res.body.toString()),
        problem(400, 'Bad Request', 'BAD_REQUEST', 'The path contains a null byte.', path),
      )
    }
  })

  test('malformed percent-encoding is a 400 problem', async () => {
    const res = await send(server.port, '/assets/%E0%A4%A')
    assert.equal(res.status, 400)
    assert.equal(JSON.parse(res.body.toString()).code, 'BAD_REQUEST')
  })

  test('a precompressed sibling that is a symlink out is skipped: the file itself is sent', async () => {
    const res = await send(server.port, '/assets/leaky.css', { 'accept-encoding': 'gzip' })
    assert.equal(res.status, 200)
    assert.equal(res.headers['content-encoding'], undefined)
    assert.equal(res.body.toString(), 'a { b: c }\n')
  })

  test('a symlink re-pointed outside the root is 404 from the next request on', async () => {
    const link = join(fixture.root, 'swapped.txt')
    const dir = join(fixture.root, 'swapped-dir')
    symlinkSync('hello.txt', link)
    symlinkSync('docs', dir)
    try {
      assert.equal((await send(server.port, '/assets/swapped.txt')).body.toString(), HELLO)
      assert.equal((await send(server.port, '/assets/swapped-dir/index.html')).status, 200)
      rmSync(link)
      rmSync(dir)
      symlinkSync(join(fixture.base, 'secret.txt'), link)
      symlinkSync(fixture.base, dir)
      for (const path of ['/assets/swapped.txt', '/assets/swapped-dir/secret.txt']) {
        const res = await send(server.port, path)
        assert.equal(res.status, 404, path)
        assert.ok(!res.body.toString().includes(SECRET), path)
      }
    } finally {
      rmSync(link)
      rmSync(dir)
    }
  })

  test('a raw request line with dots and an absolute-form target gets nothing outside', async () => {
    const client = await RawClient.open(server.port)
    try {
      client.write('GET /assets/../secret.txt HTTP/1.1\r\nHost: x\r\n\r\n')
      client.write(`GET http://x/assets/%2e%2e/secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)
      assert.ok(await client.until(() => client.closed, 2000), 'the server did not answer both')
      const statuses = client.responses.map((res) => res.status)
      assert.ok(!client.data.includes(SECRET))
      assert.equal(statuses[0], 404)
      // An absolute-form target is not a path saker routes: 404 as well.
      assert.equal(statuses[1], 404)
    } finally {
      client.destroy()
    }
  })
})

// A request cannot be paused between the open and the check, so the race is played here by hand:
// the file is opened inside the root, then moved out and another put in its place.
describe('the root check reads the opened file, not the name', () => {
  let fixture: Fixture
  let name: string
  let moved: string
  before(() => {
    fixture = createFixture()
    name = join(realpathSync(fixture.root), 'moving.txt')
    moved = join(realpathSync(fixture.base), 'moved.txt')
  })
  after(() => fixture.remove())

  async function openThenSwap() {
    writeFileSync(name, SECRET)
    const handle = await open(name, 'r')
    renameSync(name, moved)
    writeFileSync(name, 'an innocent file')
    return handle
  }

  test('Linux: /proc/self/fd names where the opened file is now', {
    skip: !existsSync('/proc/self/fd') && 'needs /proc/self/fd',
  }, async () => {
    const handle = await openThenSwap()
    try {
      assert.equal(await locateByFd(handle), moved)
    } finally {
      await handle.close()
    }
  })

  test('elsewhere: a name that no longer leads to the opened file locates nothing', async () => {
    const handle = await openThenSwap()
    try {
      assert.equal(await locateByPath(handle, name, await handle.stat()), null)
      const own = await open(name, 'r')
      assert.equal(await locateByPath(own, name, await own.stat()), name)
      await own.close()
    } finally {
      await handle.close()
    }
  })
})
