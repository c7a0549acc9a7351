// One-shot correctness check before load: a peer that answers wrongly is not benchmarked.
import http from 'node:http'

/** One GET on 127.0.0.1, the whole body read: for checks before load, never under load. */
export function get(port, path) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, timeout: 5000 }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () =>
        resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }),
      )
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)))
    req.on('error', reject)
  })
}

/**
 * Throws an Error describing every problem found with `GET path`: the body is `body`, or, for
 * bodies that vary (database rows), `check(text)` answers what is wrong with it (or null).
 * With `rejects`, only checks that the request is refused with a 4xx (e.g. an invalid query).
 */
export async function validate(port, { path, type, body, check, rejects = false }) {
  const res = await get(port, path)
  if (rejects) {
    if (res.status < 400 || res.status > 499) throw new Error(`${path}: status ${res.status}, want 4xx`)
    return
  }
  const h = res.headers
  const problems = []
  if (res.status !== 200) problems.push(`status ${res.status}, want 200`)
  if (!(h['content-type'] ?? '').startsWith(type))
    problems.push(`content-type ${h['content-type']}, want ${type}`)
  const text = res.body.toString('utf8')
  if (check !== undefined) {
    const problem = check(text)
    if (problem) problems.push(`body ${JSON.stringify(text.slice(0, 80))}: ${problem}`)
  } else if (text !== body)
    problems.push(`body ${JSON.stringify(text.slice(0, 80))}, want ${JSON.stringify(body)}`)
  if (!h.server) problems.push('no Server header')
  if (!h.date) problems.push('no Date header')
  if (h['transfer-encoding'])
    problems.push(`transfer-encoding ${h['transfer-encoding']} (want Content-Length)`)
  if (h['content-length'] === undefined) problems.push('no Content-Length')
  else if (Number(h['content-length']) !== res.body.length) problems.push('Content-Length mismatch')
  if (problems.length) throw new Error(`${path}: ${problems.join('; ')}`)
}

const isWorld = (row) =>
  row !== null &&
  typeof row === 'object' &&
  Object.keys(row).join() === 'id,randomNumber' &&
  Number.isInteger(row.id) &&
  row.id >= 1 &&
  row.id <= 10_000 &&
  Number.isInteger(row.randomNumber) &&
  row.randomNumber >= 1 &&
  row.randomNumber <= 10_000

function parsed(text) {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** A JSON body equal to `expected` as a value (any spacing). */
export const checkJson = (expected) => (text) =>
  JSON.stringify(parsed(text)) === JSON.stringify(expected) ? null : `want ${JSON.stringify(expected)}`

/** TechEmpower's /db: one world row. */
export const checkWorld = (text) =>
  isWorld(parsed(text)) ? null : 'want {"id":1..10000,"randomNumber":1..10000}'

/** TechEmpower's /queries and /updates: `count` world rows. */
export const checkWorlds = (count) => (text) => {
  const rows = parsed(text)
  return Array.isArray(rows) && rows.length === count && rows.every(isWorld)
    ? null
    : `want ${count} world rows`
}

/** TechEmpower's /fortunes: 13 rows, the added one among them, escaped. */
export function checkFortunes(text) {
  const rows = text.split('<tr><td>').length - 1
  if (rows !== 13) return `${rows} fortune rows, want 13`
  for (const part of [
    '<tr><td>0</td><td>Additional fortune added at request time.</td></tr>',
    '&lt;script&gt;alert(&quot;This should not be displayed in a browser alert box.&quot;);&lt;/script&gt;',
    '<tr><td>12</td><td>フレームワークのベンチマーク</td></tr></table>',
  ])
    if (!text.includes(part)) return `no ${part}`
  return null
}
