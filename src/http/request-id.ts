import { randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

/** What an incoming request id may hold: 1 to 200 visible ASCII characters. */
const REQUEST_ID = /^[\x21-\x7e]{1,200}$/
const REQUEST_ID_PREFIX = randomBytes(6).toString('base64url')
let requestCount = 0

/**
 * A new request id.
 * PERF: a random per-process prefix and a counter: unique across workers, cheaper than a UUID.
 */
export function newRequestId(): string {
  requestCount++
  return `${REQUEST_ID_PREFIX}-${requestCount.toString(36)}`
}

/** The request's own id in `header` when it is one saker accepts, else `undefined`. */
export function incomingRequestId(req: IncomingMessage, header: string): string | undefined {
  const incoming = req.headers[header]
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : undefined
}
