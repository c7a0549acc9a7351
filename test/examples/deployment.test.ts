// docs/deployment.md, as written: two saker instances on loopback sharing one PostgreSQL,
// behind Debian's nginx with examples/deployment/nginx.conf (its ports swapped for free ones).
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { sql } from 'drizzle-orm'
import { connectDatabase } from 'saker/crud'
import WebSocket from 'ws'
import { POSTGRES_URL, probe } from '../helpers/databases.ts'
import { REDIS_URL, uniquePrefix } from '../helpers/redis.ts'

const NGINX = '/usr/sbin/nginx'
const missing = !existsSync(NGINX)
  ? `nginx not installed (apt-get install -y nginx-light)`
  : !(await probe(POSTGRES_URL, 5432))
    ? `PostgreSQL unreachable at ${POSTGRES_URL}`
    : !(await probe(REDIS_URL, 6379))
      ? `Redis unreachable at ${REDIS_URL}`
      : undefined
/** Writes allowed per client and minute, across both instances. */
const WRITE_LIMIT = 8
const options = missing !== undefined && process.env.CI !== 'true' ? { skip: missing } : {}

/** A port free right now (the OS picks it; nginx cannot report the port it bound). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/** Starts a process and resolves once its output includes `ready`. */
function start(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: string,
): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    const onData = (chunk: Buffer) => {
      output += chunk
      if (output.includes(ready)) resolve(child)
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', (code) =>
      reject(new Error(`${command} exited (${code}) before it was ready:\n${output}`)),
    )
  })
}

function stop(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}

describe('examples/deployment: two instances behind nginx, sharing PostgreSQL and Redis', options, () => {
  if (missing !== undefined) {
    it('has nginx, PostgreSQL and Redis', () => assert.fail(`${missing} (CI=true runs every service)`))
    return
  }
  const schema = `saker_deploy_${process.pid}`
  const namespace = uniquePrefix()
  const children: ChildProcess[] = []
  let nginx: ChildProcess | undefined
  let prefix = ''
  let base = ''
  let ports: number[] = []

  before(async () => {
    const admin = await connectDatabase({ url: POSTGRES_URL, pool: { max: 1 } })
    await admin.drizzle.execute(sql.raw(`CREATE SCHEMA "${schema}"`))
    await admin.close()
    const url = new URL(POSTGRES_URL)
    url.searchParams.set('search_path', schema)
    ports = [await freePort(), await freePort()]
    // One after the other: the first creates the tables.
    for (const port of ports) {
      const instance = await start(
        process.execPath,
        ['--import', 'tsx', '--conditions=saker-source', 'examples/deployment/instance.ts'],
        {
          PORT: String(port),
          DATABASE_URL: url.toString(),
          REDIS_URL,
          REDIS_NAMESPACE: namespace,
          WRITE_LIMIT: String(WRITE_LIMIT),
          LOG: 'off',
        },
        `listening on ${port}`,
      )
      children.push(instance)
    }
    const listen = await freePort()
    prefix = await mkdtemp(join(tmpdir(), 'saker-nginx-'))
    await mkdir(join(prefix, 'tmp'))
    const config = (await readFile('examples/deployment/nginx.conf', 'utf8'))
      .replace('127.0.0.1:8001', `127.0.0.1:${ports[0]}`)
      .replace('127.0.0.1:8002', `127.0.0.1:${ports[1]}`)
      .replace('127.0.0.1:8080', `127.0.0.1:${listen}`)
    await writeFile(join(prefix, 'nginx.conf'), config)
    nginx = spawn(NGINX, ['-p', prefix, '-c', 'nginx.conf', '-g', 'daemon off;'], { stdio: 'inherit' })
    base = `http://127.0.0.1:${listen}`
    for (let i = 0; ; i++) {
      if (await probe(base, listen)) break
      if (i === 50) throw new Error('nginx did not start')
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  })

  after(async () => {
    await stop(nginx)
    await Promise.all(children.map(stop))
    if (prefix !== '') await rm(prefix, { recursive: true, force: true })
    const admin = await connectDatabase({ url: POSTGRES_URL, pool: { max: 1 } })
    await admin.drizzle.execute(sql.raw(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`))
    await admin.close()
  })

  it('serves one API from both instances: a member created through one is read through both', async () => {
    const created = await fetch(`${base}/api/v1/members`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' }),
    })
    assert.equal(created.status, 201)
    const member = (await created.json()) as { id: number }
    assert.deepEqual(member, {
      id: member.id,
      first_name: 'Ada',
      last_name: 'Lovelace',
      email: 'ada@example.com',
    })

    const upstreams = new Set<string>()
    for (let i = 0; i < 4; i++) {
      const read = await fetch(`${base}/api/v1/members/${member.id}`)
      assert.equal(read.status, 200)
      assert.deepEqual(await read.json(), member)
      upstreams.add(read.headers.get('x-upstream') as string)
    }
    assert.deepEqual([...upstreams].sort(), ports.map((port) => `127.0.0.1:${port}`).sort())
  })

  it('answers a duplicate email with the same 409 whichever instance takes it', async () => {
    for (let i = 0; i < 2; i++) {
      const duplicate = await fetch(`${base}/api/v1/members`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ first_name: 'Ada', last_name: 'King', email: 'ada@example.com' }),
      })
      assert.equal(duplicate.status, 409)
      assert.equal(duplicate.headers.get('content-type'), 'application/problem+json')
    }
  })
  it('is ready, database included, through nginx', async () => {
    const ready = await fetch(`${base}/readyz`)
    assert.equal(ready.status, 200)
    const body = (await ready.json()) as {
      status: string
      checks: { database: { status: string; duration: number } }
    }
    assert.deepEqual(body, {
      status: 'ok',
      checks: { database: { status: 'ok', duration: body.checks.database.duration } },
    })
    assert.equal(typeof body.checks.database.duration, 'number')
  })

  it('tells live clients on both instances of a member created through either', {
    timeout: 20_000,
  }, async () => {
    const open = (): Promise<{ socket: WebSocket; upstream: string; next: () => Promise<unknown> }> =>
      new Promise((resolve, reject) => {
        const socket = new WebSocket(`${base.replace('http', 'ws')}/api/v1/live`)
        let upstream = ''
        socket.once('upgrade', (res) => {
          upstream = res.headers['x-upstream'] as string
        })
        const messages: unknown[] = []
        const waiting: Array<(message: unknown) => void> = []
        socket.on('message', (data) => {
          const message = JSON.parse(String(data))
          const take = waiting.shift()
          if (take) take(message)
          else messages.push(message)
        })
        const next = () =>
          messages.length > 0 ? Promise.resolve(messages.shift()) : new Promise((take) => waiting.push(take))
        socket.once('open', () => resolve({ socket, upstream, next }))
        socket.once('error', reject)
      })
    const clients = [await open(), await open()]
    try {
      for (const client of clients) assert.deepEqual(await client.next(), { subscribed: 'created' })
      assert.deepEqual(
        clients.map((client) => client.upstream).sort(),
        ports.map((port) => `127.0.0.1:${port}`).sort(),
      )
      const created = await fetch(`${base}/api/v1/members`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ first_name: 'Grace', last_name: 'Hopper', email: 'grace@example.com' }),
      })
      assert.equal(created.status, 201)
      const location = created.headers.get('location')
      for (const client of clients) assert.deepEqual(await client.next(), { location })
    } finally {
      for (const client of clients) client.socket.close()
    }
  })

  it('counts one write limit per client across both instances', async () => {
    const seen = new Set<string>()
    let remaining = Number.POSITIVE_INFINITY
    for (;;) {
      const write = await fetch(`${base}/api/v1/members`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      })
      seen.add(write.headers.get('x-upstream') as string)
      if (write.status === 429) {
        assert.equal(write.headers.get('content-type'), 'application/problem+json')
        assert.ok(Number(write.headers.get('retry-after')) > 0)
        break
      }
      assert.equal(write.status, 422)
      const left = Number(write.headers.get('ratelimit-remaining'))
      // One count for both instances: each write, wherever it lands, takes one from the same budget.
      assert.ok(
        remaining === Number.POSITIVE_INFINITY || left === remaining - 1,
        `${left} after ${remaining}`,
      )
      remaining = left
    }
    assert.equal(remaining, 0)
    assert.equal(seen.size, 2)
  })
})
