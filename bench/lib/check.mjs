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
 * Throws an Error describing every problem found with `GET path`.
 * With `rejects`, only checks that the request is refused with a 4xx (e.g. an invalid query).
 */
export async function validate(port, { path, type, body, rejects = false }) {
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
  if (text !== body) problems.push(`body ${JSON.stringify(text.slice(0, 80))}, want ${JSON.stringify(body)}`)
  if (!h.server) problems.push('no Server header')
  if (!h.date) problems.push('no Date header')
  if (h['transfer-encoding'])
    problems.push(`transfer-encoding ${h['transfer-encoding']} (want Content-Length)`)
  if (h['content-length'] === undefined) problems.push('no Content-Length')
  else if (Number(h['content-length']) !== res.body.length) problems.push('Content-Length mismatch')
  if (problems.length) throw new Error(`${path}: ${problems.join('; ')}`)
}
