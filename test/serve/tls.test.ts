// `saker serve` over TLS: --auto-tls (a local CA, reused), certificate files, and HTTP/2 with
// HTTP/1.1 served on the same port. Real processes, real TLS clients trusting the generated CA.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { connect } from 'node:http2'
import { get } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { startSaker } from './serve-process.ts'

const APP = 'test/fixtures/serve-app.ts'
const dir = mkdtempSync(join(tmpdir(), 'saker-tls-'))
const env = { SAKER_TLS_DIR: dir }

interface Answer {
  status: number
  httpVersion: string
  headers: Record<string, unknown>
  body: string
  fingerprint: string
}

/** GET over HTTPS (HTTP/1.1), trusting only the generated CA. */
function httpsGet(url: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const ca = readFileSync(join(dir, 'ca.crt'))
    get(url, { ca, agent: false, servername: 'localhost' }, (res) => {
      let body = ''
      res.on('data', (chunk) => {
        body += chunk
      })
      res.on('end', () =>
        resolve({
          status: res.statusCode as number,
          httpVersion: res.httpVersion,
          headers: res.headers,
          body,
          fingerprint: (res.socket as import('node:tls').TLSSocket).getPeerCertificate().fingerprint256,
        }),
      )
    }).on('error', reject)
  })
}

/**
 * GET over HTTP/2, trusting only the generated CA. With `onStarted`, the request says
 * `Expect: 100-continue`: node's server answers `100 Continue` as it hands the request to the
 * app, and `onStarted` is called then.
 */
function h2Get(
  url: string,
  path: string,
  onStarted?: () => void,
): Promise<{ headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const session = connect(url, { ca: readFileSync(join(dir, 'ca.crt')), servername: 'localhost' })
    session.on('error', reject)
    const stream = session.request(
      onStarted === undefined ? { ':path': path } : { ':path': path, expect: '100-continue' },
    )
    if (onStarted !== undefined) stream.once('continue', onStarted)
    let headers: Record<string, unknown> = {}
    let body = ''
    stream.on('response', (h) => {
      headers = h
    })
    stream.setEncoding('utf8')
    stream.on('data', (chunk) => {
      body += chunk
    })
    stream.on('end', () => {
      session.close()
      resolve({ headers, body })
    })
    stream.on('error', reject)
  })
}

describe('saker serve over TLS', () => {
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('--auto-tls makes a CA and a localhost certificate once, and reuses them', {
    timeout: 20_000,
  }, async () => {
    const first = await startSaker(['serve', APP, '-p', '0', '--auto-tls'], env)
    let fingerprint: string
    try {
      assert.match(first.url, /^https:\/\/127\.0\.0\.1:\d+$/)
      const answer = await httpsGet(`${first.url}/pid`)
      assert.equal(answer.status, 200)
      assert.equal(answer.body, String(first.child.pid))
      assert.equal(answer.headers.server, 'saker')
      fingerprint = answer.fingerprint
      first.child.kill('SIGTERM')
      assert.equal(await first.exited, 0)
    } finally {
      await first.kill()
    }
    const cert = readFileSync(join(dir, 'localhost.crt'), 'utf8')
    const second = await startSaker(['serve', APP, '-p', '0', '--auto-tls'], env)
    try {
      assert.equal((await httpsGet(`${second.url}/pid`)).fingerprint, fingerprint)
      assert.equal(readFileSync(join(dir, 'localhost.crt'), 'utf8'), cert)
    } finally {
      await second.kill()
    }
  })

  it('serves --tls-cert and --tls-key', { timeout: 20_000 }, async () => {
    const server = await startSaker([
      'serve',
      APP,
      '-p',
      '0',
      '--tls-cert',
      join(dir, 'localhost.crt'),
      '--tls-key',
      join(dir, 'localhost.key'),
    ])
    try {
      const answer = await httpsGet(`${server.url}/slow?ms=1`)
      assert.equal(answer.status, 200)
      assert.deepEqual(JSON.parse(answer.body), { pid: server.child.pid, slept: 1 })
    } finally {
      await server.kill()
    }
  })

  it('--http2 serves HTTP/2 clients, and HTTP/1.1 ones on the same port', { timeout: 20_000 }, async () => {
    const server = await startSaker(['serve', APP, '-p', '0', '--auto-tls', '--http2', '-w', '1'], env)
    try {
      const h2 = await h2Get(server.url, '/slow?ms=1')
      assert.equal(h2.headers[':status'], 200)
      assert.equal(h2.headers.server, 'saker')
      assert.equal(h2.headers['content-type'], 'application/json')
      assert.equal(h2.headers.connection, undefined)
      const { pid } = JSON.parse(h2.body)
      const h1 = await httpsGet(`${server.url}/pid`)
      assert.equal(h1.status, 200)
      assert.equal(h1.httpVersion, '1.1')
      assert.equal(h1.body, String(pid))
      const missing = await h2Get(server.url, '/nowhere')
      assert.equal(missing.headers[':status'], 404)
      assert.equal(missing.headers['content-type'], 'application/problem+json')
    } finally {
      await server.kill()
    }
  })

  it('on SIGTERM, an HTTP/2 request in flight completes and the process exits 0', {
    timeout: 20_000,
  }, async () => {
    const server = await startSaker(['serve', APP, '-p', '0', '--auto-tls', '--http2'], env)
    try {
      let slow!: ReturnType<typeof h2Get>
      // Settled by the `100 Continue`, or by the request failing first.
      await new Promise<void>((started, failed) => {
        slow = h2Get(server.url, '/slow?ms=1000', started)
        slow.catch(failed)
      })
      server.child.kill('SIGTERM')
      const answer = await slow
      assert.equal(answer.headers[':status'], 200)
      assert.equal(JSON.parse(answer.body).slept, 1000)
      assert.equal(await server.exited, 0)
      assert.doesNotMatch(server.output(), /Warning/)
    } finally {
      await server.kill()
    }
  })
})
