// TechEmpower's database tests for the hand-written Node peers, on any driver: the driver modules
// (techempower-db.mjs on postgres.js, techempower-db-pg.mjs on pg) give three queries, this file
// the rules around them, so only the framework (and the driver) differ between peers.
import { LRUCache } from 'lru-cache'

const randomId = () => 1 + Math.floor(Math.random() * 10_000)

/** A count from 1 to 500; missing, empty, 0 or not a number gives 1. */
export function clampCount(text) {
  const n = Number.parseInt(text ?? '', 10)
  return Number.isNaN(n) || n < 1 ? 1 : Math.min(n, 500)
}

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;' }
const escape = (text) => text.replace(/[&<>"']/g, (c) => ESCAPES[c])

/**
 * The tests on a driver's `readRow(id)` (a `{ id, randomNumber }` row), `readFortunes()` and
 * `writeNumbers(pairs)` (`[id, randomNumber]` pairs, sorted by id, in one statement).
 */
export function techempowerQueries({ readRow, readFortunes, writeNumbers }) {
  const readWorld = () => readRow(randomId())

  function readWorlds(count) {
    const reads = new Array(count)
    for (let i = 0; i < count; i++) reads[i] = readWorld()
    return Promise.all(reads)
  }

  const cache = new LRUCache({ max: 10_000 })

  /** `count` random rows from an in-memory cache (lru-cache), each read on a miss. */
  async function cachedWorlds(count) {
    const worlds = new Array(count)
    for (let i = 0; i < count; i++) {
      const id = randomId()
      let row = cache.get(id)
      if (row === undefined) {
        row = await readRow(id)
        cache.set(id, row)
      }
      worlds[i] = row
    }
    return worlds
  }

  /** Reads `count` rows one by one, gives each a new number and stores them in one statement. */
  async function updateWorlds(count) {
    const worlds = await readWorlds(count)
    const numbers = new Map()
    for (const row of worlds) numbers.set(row.id, randomId())
    for (const row of worlds) row.randomNumber = numbers.get(row.id)
    await writeNumbers([...numbers].sort((a, b) => a[0] - b[0]))
    return worlds
  }

  /** The fortunes page: the stored fortunes and one added now, sorted by message, escaped. */
  async function fortunesPage() {
    const rows = await readFortunes()
    rows.push({ id: 0, message: 'Additional fortune added at request time.' })
    rows.sort((a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0))
    let html =
      '<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>'
    for (const row of rows) html += `<tr><td>${row.id}</td><td>${escape(row.message)}</td></tr>`
    return `${html}</table></body></html>`
  }

  return { readWorld, readWorlds, cachedWorlds, updateWorlds, fortunesPage }
}
