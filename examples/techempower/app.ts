/**
 * TechEmpower's seven test types in idiomatic saker: routes with schemas and compiled
 * serializers, reads and the update compiled once (`prepareRead`, `prepareWrite`), and the
 * database through saker/crud's `Database` (PostgreSQL; postgres.js pipelines the reads of one
 * request).
 * The rules: https://github.com/TechEmpower/FrameworkBenchmarks/wiki/Project-Information-Framework-Tests-Overview
 */
import { eq, sql } from 'drizzle-orm'
import { LRUCache } from 'lru-cache'
import { type Saker, saker, t } from 'saker'
import { type Database, type PreparedWrite, prepareRead, prepareWrite } from 'saker/crud'
import { html, type Markup } from './html.ts'
import { fortune, WORLD_ROWS, world } from './schema.ts'

const World = t.Object({ id: t.Integer(), randomNumber: t.Integer() })
type World = typeof World.static
const Worlds = t.Array(World)
const Count = t.Object({ queries: t.Optional(t.String()) })
const CachedCount = t.Object({ count: t.Optional(t.String()) })

/** A row id from 1 to 10,000. */
const randomId = () => 1 + Math.floor(Math.random() * WORLD_ROWS)

/** SPEC(TechEmpower): a count from 1 to 500; missing, empty, 0 or not a number counts as 1. */
export function clampCount(text: string | undefined): number {
  const n = Number.parseInt(text ?? '', 10)
  return Number.isNaN(n) || n < 1 ? 1 : Math.min(n, 500)
}

/** The app, on a database holding TechEmpower's schema (`setupSchema`). */
export function techempowerApp(db: Database): Saker {
  // TechEmpower's replies carry Server, Date, Content-Type and Content-Length: no request id.
  const app = saker({ logger: false, openapi: false, serverHeader: 'saker', requestIdHeader: false })
  const worldById = prepareRead(
    db,
    db.drizzle
      .select()
      .from(world)
      .where(eq(world.id, sql.placeholder('id'))),
  )
  const fortunes = prepareRead(db, db.drizzle.select().from(fortune))
  const readWorld = async (id: number): Promise<World> => (await worldById.run({ id }))[0] as World
  const readWorlds = (count: number): Promise<World[]> => {
    const reads: Promise<World>[] = new Array(count)
    for (let i = 0; i < count; i++) reads[i] = readWorld(randomId())
    return Promise.all(reads)
  }
  // One UPDATE per number of rows, compiled on first use: `(id, number)` pairs are the
  // placeholders 0 and 1, 2 and 3, ... (at most 500 statements).
  const updates = new Map<number, PreparedWrite>()
  const updateOf = (rows: number): PreparedWrite => {
    let update = updates.get(rows)
    if (update === undefined) {
      const pairs = Array.from(
        { length: rows },
        (_, i) => sql`(${sql.placeholder(String(2 * i))}::int, ${sql.placeholder(String(2 * i + 1))}::int)`,
      )
      update = prepareWrite(
        db,
        sql`UPDATE ${world} SET randomnumber = v.n FROM (VALUES ${sql.join(pairs, sql`, `)}) AS v(id, n) WHERE ${world.id} = v.id`,
      )
      updates.set(rows, update)
    }
    return update
  }
  // SPEC(TechEmpower): cached-queries use an in-memory cache library, filled from the database.
  const cache = new LRUCache<number, World>({ max: WORLD_ROWS })

  app.get('/plaintext', {}, (ctx) => ctx.text('Hello, World!'))

  app.get('/json', { response: { 200: t.Object({ message: t.String() }) } }, () => ({
    message: 'Hello, World!',
  }))

  app.get('/db', { response: { 200: World } }, () => readWorld(randomId()))

  app.get('/queries', { query: Count, response: { 200: Worlds } }, (ctx) =>
    readWorlds(clampCount(ctx.query.queries)),
  )

  app.get('/fortunes', {}, async (ctx) => {
    const rows = await fortunes.run()
    rows.push({ id: 0, message: 'Additional fortune added at request time.' })
    rows.sort(byMessage)
    return ctx.html(fortunesPage(rows).text)
  })

  app.get('/updates', { query: Count, response: { 200: Worlds } }, async (ctx) => {
    const worlds = await readWorlds(clampCount(ctx.query.queries))
    // An id drawn twice gets one new number, so the reply shows what is stored.
    const numbers = new Map<number, number>()
    for (const row of worlds) numbers.set(row.id, randomId())
    for (const row of worlds) row.randomNumber = numbers.get(row.id) as number
    // One statement for all rows, in id order (concurrent updates then lock rows in one order).
    const ids = [...numbers.keys()].sort((a, b) => a - b)
    const values: number[] = new Array(2 * ids.length)
    for (let i = 0; i < ids.length; i++) {
      values[2 * i] = ids[i] as number
      values[2 * i + 1] = numbers.get(ids[i] as number) as number
    }
    await updateOf(ids.length).run(values)
    return worlds
  })

  app.get('/cached-queries', { query: CachedCount, response: { 200: Worlds } }, async (ctx) => {
    const count = clampCount(ctx.query.count)
    const worlds: World[] = new Array(count)
    for (let i = 0; i < count; i++) {
      const id = randomId()
      let row = cache.get(id)
      if (row === undefined) {
        row = await readWorld(id)
        cache.set(id, row)
      }
      worlds[i] = row
    }
    return worlds
  })

  return app
}

type Fortune = { id: number; message: string }

const byMessage = (a: Fortune, b: Fortune) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)

function fortunesPage(rows: Fortune[]): Markup {
  const items = rows.map((row) => html`<tr><td>${row.id}</td><td>${row.message}</td></tr>`)
  return html`<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>${items}</table></body></html>`
}
