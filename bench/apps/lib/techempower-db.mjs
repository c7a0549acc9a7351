// TechEmpower's database tests for the hand-written Node peers (node:http and Fastify): the same
// queries on postgres.js (pool of 10, as saker's), so only the framework around them differs.
import { LRUCache } from 'lru-cache'
import postgres from 'postgres'

export const sql = postgres(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', {
  max: 10,
})

const randomId = () => 1 + Math.floor(Math.random() * 10_000)

/** A count from 1 to 500; missing, empty, 0 or not a number gives 1. */
export function clampCount(text) {
  const n = Number.parseInt(text ?? '', 10)
  return Number.isNaN(n) || n < 1 ? 1 : Math.min(n, 500)
}

export const readWorld = () =>
  sql`select id, randomnumber as "randomNumber" from world where id = ${randomId()}`.then((rows) => rows[0])

export function readWorlds(count) {
  const reads = new Array(count)
  for (let i = 0; i < count; i++) reads[i] = readWorld()
  return Promise.all(reads)
}

const cache = new LRUCache({ max: 10_000 })

/** `count` random rows from an in-memory cache (lru-cache), each read on a miss. */
export async function cachedWorlds(count) {
  const worlds = new Array(count)
  for (let i = 0; i < count; i++) {
    const id = randomId()
    let row = cache.get(id)
    if (row === undefined) {
      ;[row] = await sql`select id, randomnumber as "randomNumber" from world where id = ${id}`
      cache.set(id, row)
    }
    worlds[i] = row
  }
  return worlds
}

/** Reads `count` rows one by one, gives each a new number and stores them in one statement. */
export async function updateWorlds(count) {
  const worlds = await readWorlds(count)
  const numbers = new Map()
  for (const row of worlds) numbers.set(row.id, randomId())
  for (const row of worlds) row.randomNumber = numbers.get(row.id)
  const pairs = [...numbers].sort((a, b) => a[0] - b[0])
  await sql`update world set randomnumber = (v.n)::int from (values ${sql(pairs)}) as v(id, n) where world.id = (v.id)::int`
  return worlds
}

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;' }
const escape = (text) => text.replace(/[&<>"']/g, (c) => ESCAPES[c])

/** The fortunes page: the stored fortunes and one added now, sorted by message, escaped. */
export async function fortunesPage() {
  const rows = await sql`select id, message from fortune`
  rows.push({ id: 0, message: 'Additional fortune added at request time.' })
  rows.sort((a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0))
  let html =
    '<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>'
  for (const row of rows) html += `<tr><td>${row.id}</td><td>${escape(row.message)}</td></tr>`
  return `${html}</table></body></html>`
}
