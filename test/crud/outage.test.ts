import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net'
import { after, before, it } from 'node:test'
import { sql } from 'drizzle-orm'
import { saker } from 'saker'
import { connectDatabase, crud, type Database } from 'saker/crud'
import { inject } from 'saker/testing'
import { forEachDatabase, MYSQL_URL, POSTGRES_URL } from '../helpers/databases.ts'
import { tablesFor } from '../helpers/schema/index.ts'

/** A TCP proxy to the database that the test can cut and restore, like a network outage. */
class Outage {
  #server: Server | null = null
  #sockets = new Set<Socket>()
  port = 0
  constructor(readonly target: { host: string; port: number }) {}

  async up(): Promise<void> {
    const server = createServer((client) => {
      const upstream = tcpConnect(this.target)
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket)
        socket.on('close', () => this.#sockets.delete(socket))
        socket.on('error', () => socket.destroy())
      }
      client.pipe(upstream).pipe(client)
    })
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve))
    this.port = (server.address() as { port: number }).port
    this.#server = server
  }

  async down(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy()
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()))
    this.#server = null
  }
}

forEachDatabase(
  'crud when the database goes away and comes back',
  (target) => {
    const server = target.name === 'postgres' ? POSTGRES_URL : MYSQL_URL
    const name = `saker_outage_${randomBytes(4).toString('hex')}`
    const outage = new Outage({
      host: '127.0.0.1',
      port: Number(new URL(server).port) || (target.name === 'postgres' ? 5432 : 3306),
    })
    let admin: Database
    let db: Database
    const app = saker({ logger: false })

    before(async () => {
      admin = await connectDatabase({ url: server, pool: { max: 1 } })
      await outage.up()
      const url = new URL(server)
      url.port = String(outage.port)
      if (target.name === 'postgres') {
        await admin.drizzle.execute(sql.raw(`CREATE SCHEMA "${name}"`))
        url.searchParams.set('search_path', name)
      } else {
        await admin.drizzle.execute(sql.raw(`CREATE DATABASE \`${name}\``))
        url.pathname = `/${name}`
      }
      db = await connectDatabase({ url: url.toString(), pool: { max: 2, acquireTimeout: 1000 } })
      const ddl =
        target.name === 'postgres'
          ? 'CREATE TABLE members (id serial PRIMARY KEY, first_name text NOT NULL, last_name text NOT NULL, email text NOT NULL UNIQUE)'
          : 'CREATE TABLE members (id int AUTO_INCREMENT PRIMARY KEY, first_name varchar(100) NOT NULL, last_name varchar(100) NOT NULL, email varchar(254) NOT NULL UNIQUE)'
      await db.drizzle.execute(sql.raw(ddl))
      app.mount('/members', crud(db, tablesFor(db).members))
    })
    after(async () => {
      await outage.down()
      await db?.close().catch(() => undefined)
      if (target.name === 'postgres') await admin?.drizzle.execute(sql.raw(`DROP SCHEMA "${name}" CASCADE`))
      else await admin?.drizzle.execute(sql.raw(`DROP DATABASE \`${name}\``))
      await admin?.close()
    })

    it('answers 503 with Retry-After while the database is away, then recovers by itself', async () => {
      assert.equal((await inject(app, '/members')).statusCode, 200)
      await outage.down()
      const started = Date.now()
      const away = await inject(app, '/members')
      assert.equal(away.statusCode, 503)
      assert.equal(away.headers['retry-after'], '5')
      assert.equal(away.json().code, 'DATABASE_UNAVAILABLE')
      assert.ok(Date.now() - started < 5000, 'answered within the acquire timeout, not a hang')
      await outage.up()
      // The pool reconnects on its own: within a few seconds requests succeed again.
      let status = 0
      for (let attempt = 0; attempt < 30 && status !== 200; attempt++) {
        status = (await inject(app, '/members')).statusCode
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 200))
      }
      assert.equal(status, 200)
      const created = await inject(app, {
        method: 'POST',
        url: '/members',
        payload: { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' },
      })
      assert.equal(created.statusCode, 201)
    })
  },
  ['postgres', 'mysql'],
)
