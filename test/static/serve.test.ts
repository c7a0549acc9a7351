import assert from 'node:assert/strict'
import { once } from 'node:events'
import { existsSync, realpathSync, statSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { saker } from 'saker'
import { serve, type TestServer } from 'saker/testing'
import { send } from '../helpers/http-request.ts'
import { BIG, createFixture, type Fixture, HELLO, openFilesUnder, PAGE } from './fixture.ts'

const PROBLEM = 'application/problem+json'
const fixture: Fixture = createFixture()
after(() => fixture.remove())

function notFound(instance: string) {
  return {
    type: 'about:blank',
    title: 'Not Found',
    status: 404,
    code: 'NOT_FOUND',
    detail: 'No file matches the path.',
    instance,
  }
}

function modifiedOf(path: string): Date {
  return statSync(join(fixture.root, path)).mtime
}

/** The ETag saker gives a file: size and mtime in hex, and the coding of a precompressed sibling. */
function etagOf(path: string, encoding?: string): string {
  const stats = statSync(join(fixture.root, path))
  const tag = `${stats.size.toString(16)}-${Math.floor(stats.mtime.getTime()).toString(16)}`
  return encoding === undefined ? `"${tag}"` : `"${tag}-${encoding}"`
}

describe('app.static', () => {
  let server: TestServer
  before(async () => {
    const app = saker({ logger: false })
    app.static('/assets', fixture.root)
    app.get('/assets/api', {}, () => ({ route: 'wins' }))
    server = await serve(app)
  })
  after(() => server.close())

  test('serves a file with its type, length, validators and caching headers', async () => {
    const res = await send(server.port, '/assets/hello.txt')
    assert.equal(res.status, 200)
    assert.equal(res.body.toString(), HELLO)
    assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8')
    assert.equal(res.headers['content-length'], String(Buffer.byteLength(HELLO)))
    assert.equal(res.headers['accept-ranges'], 'bytes')
    assert.equal(res.headers.etag, etagOf('hello.txt'))
    assert.equal(res.headers['last-modified'], modifiedOf('hello.txt').toUTCString())
    assert.equal(res.headers['cache-control'], 'public, max-age=0')
    assert.equal(res.headers.vary, 'Accept-Encoding')
    assert.equal(res.headers['content-encoding'], undefined)
  })

  test('content types come from the extension, case-insensitively; unknown ones are downloads', async () => {
    const expected: Record<string, string> = {
      'app.js': 'text/javascript; charset=utf-8',
      'style.css': 'text/css; charset=utf-8',
      'data.json': 'application/json',
      'image.png': 'image/png',
      'page.html': 'text/html; charset=utf-8',
      'Shout.TXT': 'text/plain; charset=utf-8',
      'unknown.xyz': 'application/octet-stream',
      'big.bin': 'application/octet-stream',
    }
    for (const [file, type] of Object.entries(expected)) {
      const res = await send(server.port, `/assets/${file}`)
      assert.equal(res.status, 200, file)
      assert.equal(res.headers['content-type'], type, file)
    }
    // Not compressible: no sibling lookup, so no Vary.
    assert.equal((await send(server.port, '/assets/image.png')).headers.vary, undefined)
  })

  test('a big file arrives whole and byte for byte', async () => {
    const res = await send(server.port, '/assets/big.bin')
    assert.equal(res.status, 200)
    assert.equal(res.headers['content-length'], String(BIG.length))
    assert.ok(res.body.equals(BIG))
  })

  test('an empty file is 200 with Content-Length 0', async () => {
    const res = await send(server.port, '/assets/empty.txt')
    assert.equal(res.status, 200)
    assert.equal(res.headers['content-length'], '0')
    assert.equal(res.body.length, 0)
  })

  test('a symlink inside the root is followed', async () => {
    const res = await send(server.port, '/assets/link-in.txt')
    assert.equal(res.status, 200)
    assert.equal(res.body.toString(), HELLO)
  })

  test('a missing file is a 404 problem; a route under the prefix wins over the files', async () => {
    const res = await send(server.port, '/assets/nope.txt')
    assert.equal(res.status, 404)
    assert.equal(res.headers['content-type'], PROBLEM)
    assert.deepEqual(JSON.parse(res.body.toString()), notFound('/assets/nope.txt'))
    const route = await send(server.port, '/assets/api')
    assert.deepEqual(JSON.parse(route.body.toString()), { route: 'wins' })
  })

  test('HEAD sends the GET headers, Content-Length included, and no body', async () => {
    const res = await send(server.port, '/assets/big.bin', {}, 'HEAD')
    assert.equal(res.status, 200)
    assert.equal(res.headers['content-length'], String(BIG.length))
    assert.equal(res.headers['content-type'], 'application/octet-stream')
    assert.equal(res.headers.etag, etagOf('big.bin'))
    assert.equal(res.body.length, 0)
  })

  test('other methods are 405 with Allow; OPTIONS is answered 204', async () => {
    const post = await send(server.port, '/assets/hello.txt', {}, 'POST')
    assert.equal(post.status, 405)
    assert.equal(post.headers.allow, 'GET, HEAD, OPTIONS')
    assert.equal(post.headers['content-type'], PROBLEM)
    const options = await send(server.port, '/assets/hello.txt', {}, 'OPTIONS')
    assert.equal(options.status, 204)
    assert.equal(options.headers.allow, 'GET, HEAD, OPTIONS')
  })

  test('stays out of the OpenAPI document', async () => {
    const res = await send(server.port, '/openapi.json')
    const paths = Object.keys(JSON.parse(res.body.toString()).paths)
    assert.deepEqual(paths, ['/assets/api'])
  })
})

describe('conditional requests', () => {
  let server: TestServer
  before(async () => {
    const app = saker({ logger: false })
    app.static('/assets', fixture.root)
    server = await serve(app)
  })
  after(() => server.close())

  test('If-None-Match with the ETag (strong, weak, in a list, or *) is 304 without a body', async () => {
    const etag = etagOf('hello.txt')
    for (const header of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const res = await send(server.port, '/assets/hello.txt', { 'if-none-match': header })
      assert.equal(res.status, 304, header)
      assert.equal(res.body.length, 0, header)
      assert.equal(res.headers.etag, etag, header)
      assert.equal(res.headers['cache-control'], 'public, max-age=0', header)
      assert.equal(res.headers['content-length'], undefined, header)
    }
    const other = await send(server.port, '/assets/hello.txt', { 'if-none-match': '"other"' })
    assert.equal(other.status, 200)
    assert.equal(other.body.toString(), HELLO)
  })

  test('If-Modified-Since at or after Last-Modified is 304; before it, 200', async () => {
    const modified = modifiedOf('hello.txt')
    const same = await send(server.port, '/assets/hello.txt', { 'if-modified-since': modified.toUTCString() })
    assert.equal(same.status, 304)
    const earlier = new Date(modified.getTime() - 60_000).toUTCString()
    const changed = await send(server.port, '/assets/hello.txt', { 'if-modified-since': earlier })
    assert.equal(changed.status, 200)
    assert.equal(changed.body.toString(), HELLO)
    const garbage = await send(server.port, '/assets/hello.txt', { 'if-modified-since': 'yesterday' })
    assert.equal(garbage.status, 200)
  })

  test('If-None-Match wins over If-Modified-Since', async () => {
    const res = await send(server.port, '/assets/hello.txt', {
      'if-none-match': '"other"',
      'if-modified-since': new Date(Date.now() + 3_600_000).toUTCString(),
    })
    assert.equal(res.status, 200)
  })
})

describe('ranges', () => {
  let server: TestServer
  const size = Buffer.byteLength(HELLO)
  before(async () => {
    const app = saker({ logger: false })
    app.static('/assets', fixture.root)
    server = await serve(app)
  })
  after(() => server.close())

  async function range(value: string, extra: Record<string, string> = {}, path = '/assets/hello.txt') {
    return send(server.port, path, { range: value, ...extra })
  }

  test('one range is 206 with Content-Range and just those bytes', async () => {
    const cases: Array<[string, number, number]> = [
      ['bytes=0-4', 0, 4],
      ['bytes=7-', 7, size - 1],
      ['bytes=-6', size - 6, size - 1],
      ['bytes=3-1000', 3, size - 1],
      ['bytes=-1000', 0, size - 1],
      ['BYTES = 1-2', 1, 2],
    ]
    for (const [header, start, end] of cases) {
      const res = await range(header)
      assert.equal(res.status, 206, header)
      assert.equal(res.headers['content-range'], `bytes ${start}-${end}/${size}`, header)
      assert.equal(res.headers['content-length'], String(end - start + 1), header)
      assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8', header)
      assert.equal(res.body.toString(), HELLO.slice(start, end + 1), header)
    }
  })

  test('a range in the middle of a big file', async () => {
    const res = await range('bytes=100000-165535', {}, '/assets/big.bin')
    assert.equal(res.status, 206)
    assert.equal(res.headers['content-range'], `bytes 100000-165535/${BIG.length}`)
    assert.ok(res.body.equals(BIG.subarray(100000, 165536)))
  })

  test('an unsatisfiable range is 416 with Content-Range: bytes */size and a problem', async () => {
    for (const header of [`bytes=${size}-`, `bytes=${size + 10}-${size + 20}`, 'bytes=-0']) {
      const res = await range(header)
      assert.equal(res.status, 416, header)
      assert.equal(res.headers['content-range'], `bytes */${size}`, header)
      assert.equal(res.headers['content-type'], PROBLEM, header)
      assert.deepEqual(JSON.parse(res.body.toString()), {
        type: 'about:blank',
        title: 'Range Not Satisfiable',
        status: 416,
        code: 'RANGE_NOT_SATISFIABLE',
        detail: `The range is outside the file's ${size} bytes.`,
        instance: '/assets/hello.txt',
      })
    }
    const empty = await range('bytes=0-', {}, '/assets/empty.txt')
    assert.equal(empty.status, 416)
    assert.equal(empty.headers['content-range'], 'bytes */0')
  })

  test('several ranges, other units and malformed specs are ignored: 200 with the whole file', async () => {
    for (const header of ['bytes=0-1,4-5', 'items=0-1', 'bytes=5-2', 'bytes=a-b', 'bytes=1']) {
      const res = await range(header)
      assert.equal(res.status, 200, header)
      assert.equal(res.headers['content-range'], undefined, header)
      assert.equal(res.body.toString(), HELLO, header)
    }
  })

  test('If-Range: the current ETag or date allows the range, anything else sends the whole file', async () => {
    const etag = etagOf('hello.txt')
    assert.equal((await range('bytes=0-4', { 'if-range': etag })).status, 206)
    const date = modifiedOf('hello.txt').toUTCString()
    assert.equal((await range('bytes=0-4', { 'if-range': date })).status, 206)
    for (const stale of ['"other"', `W/${etag}`, new Date(0).toUTCString()]) {
      const res = await range('bytes=0-4', { 'if-range': stale })
      assert.equal(res.status, 200, stale)
      assert.equal(res.body.toString(), HELLO, stale)
    }
  })

  test('HEAD ignores Range', async () => {
    const res = await send(server.port, '/assets/hello.txt', { range: 'bytes=0-4' }, 'HEAD')
    assert.equal(res.status, 200)
    assert.equal(res.headers['content-length'], String(size))
  })
})

describe('precompressed siblings', () => {
  let server: TestServer
  before(async () => {
    const app = saker({ logger: false })
    app.static('/assets', fixture.root)
    server = await serve(app)
  })
  after(() => server.close())

  test('.br is sent to a client that accepts br, .gz to one that accepts gzip only', async () => {
    const br = await send(server.port, '/assets/page.html', { 'accept-encoding': 'gzip, deflate, br' })
    assert.equal(br.status, 200)
    assert.equal(br.headers['content-encoding'], 'br')
    assert.equal(br.headers['content-type'], 'text/html; charset=utf-8')
    assert.equal(br.headers.vary, 'Accept-Encoding')
    assert.equal(br.headers.etag, etagOf('page.html.br', 'br'))
    assert.equal(br.headers['content-length'], String(br.body.length))
    assert.equal(brotliDecompressSync(br.body).toString(), PAGE)

    const gz = await send(server.port, '/assets/page.html', { 'accept-encoding': 'gzip' })
    assert.equal(gz.headers['content-encoding'], 'gzip')
    assert.equal(gz.headers.etag, etagOf('page.html.gz', 'gzip'))
    assert.equal(gunzipSync(gz.body).toString(), PAGE)
  })

  test('q-values decide, q=0 refuses, and no Accept-Encoding gets the file as it is', async () => {
    const preferred = await send(server.port, '/assets/page.html', { 'accept-encoding': 'br;q=0.5, gzip' })
    assert.equal(preferred.headers['content-encoding'], 'gzip')
    const refused = await send(server.port, '/assets/page.html', { 'accept-encoding': 'br;q=0, gzip;q=0' })
    assert.equal(refused.headers['content-encoding'], undefined)
    assert.equal(refused.body.toString(), PAGE)
    const plain = await send(server.port, '/assets/page.html')
    assert.equal(plain.headers['content-encoding'], undefined)
    assert.equal(plain.headers.etag, etagOf('page.html'))
    assert.equal(plain.headers.vary, 'Accept-Encoding')
    assert.equal(plain.body.toString(), PAGE)
  })

  test('a missing .br falls back to .gz', async () => {
    const res = await send(server.port, '/assets/only-gz.css', { 'accept-encoding': 'br, gzip' })
    assert.equal(res.headers['content-encoding'], 'gzip')
    assert.equal(gunzipSync(res.body).toString(), 'p { margin: 0 }\n'.repeat(10))
  })

  test('images are never looked up for siblings', async () => {
    const res = await send(server.port, '/assets/image.png', { 'accept-encoding': 'gzip' })
    assert.equal(res.headers['content-encoding'], undefined)
    assert.equal(res.headers['content-length'], '8')
  })

  test('a range applies to the compressed bytes', async () => {
    const whole = await send(server.port, '/assets/page.html', { 'accept-encoding': 'gzip' })
    const part = await send(server.port, '/assets/page.html', {
      'accept-encoding': 'gzip',
      range: 'bytes=0-9',
    })
    assert.equal(part.status, 206)
    assert.equal(part.headers['content-encoding'], 'gzip')
    assert.equal(part.headers['content-range'], `bytes 0-9/${whole.body.length}`)
    assert.ok(part.body.equals(whole.body.subarray(0, 10)))
  })

  test('precompressed: false serves the file itself', async () => {
    const app = saker({ logger: false })
    app.static('/assets', fixture.root, { precompressed: false })
    const own = await serve(app)
    try {
      const res = await send(own.port, '/assets/page.html', { 'accept-encoding': 'br, gzip' })
      assert.equal(res.headers['content-encoding'], undefined)
      assert.equal(res.headers.vary, undefined)
      assert.equal(res.body.toString(), PAGE)
    } finally {
      await own.close()
    }
  })
})

describe('directories and options', () => {
  async function withApp(
    setup: (app: ReturnType<typeof saker>) => void,
    check: (port: number) => Promise<void>,
  ): Promise<void> {
    const app = saker({ logger: false })
    setup(app)
    const server = await serve(app)
    try {
      await check(server.port)
    } finally {
      await server.close()
    }
  }

  test('a directory serves its index.html; without the trailing slash it redirects 301', async () => {
    await withApp(
      (app) => app.static('/assets', fixture.root),
      async (port) => {
        const index = await send(port, '/assets/docs/')
        assert.equal(index.status, 200)
        assert.equal(index.headers['content-type'], 'text/html; charset=utf-8')
        assert.equal(index.body.toString(), '<h1>docs</h1>')
        const bare = await send(port, '/assets/docs?tab=1')
        assert.equal(bare.status, 301)
        assert.equal(bare.headers.location, '/assets/docs/?tab=1')
        const empty = await send(port, '/assets/empty-dir/')
        assert.equal(empty.status, 404)
        assert.deepEqual(JSON.parse(empty.body.toString()), notFound('/assets/empty-dir/'))
      },
    )
  })

  test('index: false makes directories 404; index names another file', async () => {
    await withApp(
      (app) => {
        app.static('/none', fixture.root, { index: false })
        app.static('/other', fixture.root, { index: 'hello.txt' })
      },
      async (port) => {
        assert.equal((await send(port, '/none/docs/')).status, 404)
        assert.equal((await send(port, '/none/docs')).status, 404)
        const other = await send(port, '/other/')
        assert.equal(other.status, 200)
        assert.equal(other.body.toString(), HELLO)
      },
    )
  })

  test('maxAge and immutable build Cache-Control; cacheControl replaces or removes it', async () => {
    await withApp(
      (app) => {
        app.static('/long', fixture.root, { maxAge: 31536000, immutable: true })
        app.static('/own', fixture.root, { cacheControl: 'no-store' })
        app.static('/bare', fixture.root, { cacheControl: false, etag: false, lastModified: false })
      },
      async (port) => {
        const long = await send(port, '/long/hello.txt')
        assert.equal(long.headers['cache-control'], 'public, max-age=31536000, immutable')
        assert.equal((await send(port, '/own/hello.txt')).headers['cache-control'], 'no-store')
        const bare = await send(port, '/bare/hello.txt')
        assert.equal(bare.headers['cache-control'], undefined)
        assert.equal(bare.headers.etag, undefined)
        assert.equal(bare.headers['last-modified'], undefined)
        // Without validators nothing can match: the file is sent.
        const conditional = await send(port, '/bare/hello.txt', { 'if-none-match': '*' })
        assert.equal(conditional.status, 200)
      },
    )
  })

  test('dotfiles are 404 by default, 403 with deny, served with allow', async () => {
    await withApp(
      (app) => {
        app.static('/ignore', fixture.root)
        app.static('/deny', fixture.root, { dotfiles: 'deny' })
        app.static('/allow', fixture.root, { dotfiles: 'allow' })
      },
      async (port) => {
        for (const path of ['/.env', '/.git/config']) {
          const ignored = await send(port, `/ignore${path}`)
          assert.equal(ignored.status, 404, path)
          assert.deepEqual(JSON.parse(ignored.body.toString()), notFound(`/ignore${path}`))
          const denied = await send(port, `/deny${path}`)
          assert.equal(denied.status, 403, path)
          assert.equal(JSON.parse(denied.body.toString()).code, 'FORBIDDEN', path)
        }
        assert.equal((await send(port, '/allow/.env')).status, 200)
      },
    )
  })

  test('contentTypes adds or overrides extensions', async () => {
    await withApp(
      (app) => app.static('/assets', fixture.root, { contentTypes: { '.XYZ': 'model/x-test' } }),
      async (port) => {
        assert.equal((await send(port, '/assets/unknown.xyz')).headers['content-type'], 'model/x-test')
      },
    )
  })

  test('works in a group and at the root, where routes still win', async () => {
    await withApp(
      (app) => {
        app.get('/api/ping', {}, () => ({ pong: true }))
        app.group('/v1', (v1) => v1.static('/files', fixture.root))
        app.static('/', fixture.root)
      },
      async (port) => {
        assert.equal((await send(port, '/v1/files/hello.txt')).body.toString(), HELLO)
        assert.equal((await send(port, '/hello.txt')).body.toString(), HELLO)
        // The root has no index.html.
        assert.equal((await send(port, '/')).status, 404)
        assert.deepEqual(JSON.parse((await send(port, '/api/ping')).body.toString()), { pong: true })
      },
    )
  })

  test('a missing root, a file as root and a bad prefix throw at registration', () => {
    const app = saker({ logger: false })
    assert.throws(() => app.static('/x', join(fixture.base, 'nope')), /ENOENT/)
    assert.throws(() => app.static('/x', join(fixture.root, 'hello.txt')), /not a directory/)
    assert.throws(() => app.static('x', fixture.root), /static prefix/)
    assert.throws(() => app.static('/x/', fixture.root), /static prefix/)
    assert.throws(() => app.static('/x', fixture.root, { maxAge: -1 }), /maxAge/)
  })
})

describe('a client that leaves early', () => {
  test('a file opened after the client left is closed, not left waiting on the response', {
    skip: !existsSync('/proc/self/fd') && 'needs /proc/self/fd',
  }, async () => {
    const app = saker({ logger: false })
    let handled!: () => void
    const done = new Promise<void>((resolve) => {
      handled = resolve
    })
    // The client is gone before the file is opened (as when a hook awaits a slow lookup).
    app.use(async (ctx, next) => {
      if (!ctx.res.closed) await once(ctx.res, 'close')
      await next()
      handled()
    })
    app.static('/assets', fixture.root)
    const own = await serve(app)
    try {
      const socket = connect(own.port, '127.0.0.1')
      socket.write('GET /assets/big.bin HTTP/1.1\r\nHost: x\r\n\r\n')
      setTimeout(() => socket.destroy(), 20)
      await done
      const big = realpathSync(join(fixture.root, 'big.bin'))
      const isOpen = (path: string) => openFilesUnder(realpathSync(fixture.root)).includes(path)
      const deadline = Date.now() + 2000
      while (isOpen(big) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
      assert.ok(!isOpen(big), 'big.bin is still open')
    } finally {
      await own.close()
    }
  })
})
