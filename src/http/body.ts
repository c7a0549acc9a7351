import type { IncomingMessage } from 'node:http'
import { parse as parseForm } from 'node:querystring'
import secureJson from 'secure-json-parse'
import { HttpError } from '../errors.ts'
import { parseMediaType } from './media-type.ts'

/** The default request body limit: 1 MiB. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024

interface PendingBody {
  chunks: Buffer[]
  received: number
  limit: number
  resolve: (body: Buffer) => void
  reject: (error: HttpError) => void
}

const pending = Symbol('saker.pendingBody')
type ReadingRequest = IncomingMessage & { [pending]?: PendingBody }

// The rest of the body is never read, so the connection cannot carry another request.
const CLOSE = { connection: 'close' }

function tooLarge(limit: number): HttpError {
  return new HttpError(413, `The request body is larger than ${limit} bytes.`, { headers: CLOSE })
}

// PERF: listeners are module functions reading their state from the request, so
// reading a body allocates no closures beyond the promise's own.
function onData(this: ReadingRequest, chunk: Buffer): void {
  const state = this[pending] as PendingBody
  state.received += chunk.length
  if (state.received > state.limit) {
    stopReading(this)
    state.reject(tooLarge(state.limit))
    return
  }
  state.chunks.push(chunk)
}

function onEnd(this: ReadingRequest): void {
  const state = this[pending] as PendingBody
  stopReading(this)
  const declared = this.headers['content-length']
  if (declared !== undefined && Number(declared) !== state.received) {
    state.reject(new HttpError(400, 'The body length does not match the Content-Length header.'))
    return
  }
  state.resolve(
    state.chunks.length === 1 ? (state.chunks[0] as Buffer) : Buffer.concat(state.chunks, state.received),
  )
}

function onAborted(this: ReadingRequest): void {
  const state = this[pending] as PendingBody
  stopReading(this)
  state.reject(new HttpError(400, 'The request body ended before it was complete.'))
}

function stopReading(req: ReadingRequest): void {
  req.off('data', onData)
  req.off('end', onEnd)
  req.off('error', onAborted)
  req.off('aborted', onAborted)
  req.pause()
}

/**
 * Whether the request has a body to parse: RFC 9112 §6.3 framing (Content-Length or
 * Transfer-Encoding), or a Content-Type, so an empty JSON body is parsed (and refused).
 */
export function hasBody(req: IncomingMessage): boolean {
  const headers = req.headers
  if (headers['content-type'] !== undefined || headers['transfer-encoding'] !== undefined) return true
  const length = headers['content-length']
  return length !== undefined && length !== '0'
}

/**
 * Reads the raw body, answering 413 as soon as it passes `limit` (at once when the
 * declared `Content-Length` does) without reading the rest.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length']
  if (declared !== undefined && Number(declared) > limit) return Promise.reject(tooLarge(limit))
  return new Promise<Buffer>((resolve, reject) => {
    const reading = req as ReadingRequest
    reading[pending] = { chunks: [], received: 0, limit, resolve, reject }
    reading.on('data', onData)
    reading.on('end', onEnd)
    reading.on('error', onAborted)
    reading.on('aborted', onAborted)
  })
}

const JSON_OPTIONS = { protoAction: 'error', constructorAction: 'error' } as const

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) throw new HttpError(400, 'The JSON body is empty.')
  try {
    return secureJson.parse(raw.toString('utf8'), undefined, JSON_OPTIONS)
  } catch (error) {
    const message = (error as Error).message
    // secure-json-parse's own message; V8's parse errors never start with it.
    if (message.startsWith('Object contains forbidden prototype property')) {
      throw new HttpError(
        400,
        'The JSON body has a forbidden "__proto__" or "constructor.prototype" property.',
        {
          code: 'FORBIDDEN_PROPERTY',
        },
      )
    }
    throw new HttpError(400, `The JSON body is malformed: ${message}`, { code: 'MALFORMED_JSON' })
  }
}

function parseUrlEncoded(raw: Buffer): unknown {
  const form = parseForm(raw.toString('utf8'))
  if (Object.hasOwn(form, '__proto__')) {
    throw new HttpError(400, 'The form body has a forbidden "__proto__" field.', {
      code: 'FORBIDDEN_PROPERTY',
    })
  }
  return form
}

const TEXT_CHARSETS = new Set(['utf-8', 'utf8', 'us-ascii'])

/**
 * Parses a raw body by its `Content-Type`: JSON (and `+json`), urlencoded forms,
 * `text/*` as a string and `application/octet-stream` as bytes; anything else is 415.
 */
export function parseBody(contentType: string | undefined, raw: Buffer): unknown {
  const media = contentType === undefined ? null : parseMediaType(contentType)
  if (media === null) {
    throw new HttpError(
      415,
      contentType === undefined
        ? 'The request has a body but no Content-Type.'
        : `The Content-Type "${contentType}" is not valid.`,
    )
  }
  const { essence, charset } = media
  if (charset !== undefined && !TEXT_CHARSETS.has(charset)) {
    throw new HttpError(415, `The charset "${charset}" is not supported; send UTF-8.`)
  }
  if (essence === 'application/json' || (essence.startsWith('application/') && essence.endsWith('+json'))) {
    return parseJson(raw)
  }
  if (essence === 'application/x-www-form-urlencoded') return parseUrlEncoded(raw)
  if (essence.startsWith('text/')) return raw.toString('utf8')
  if (essence === 'application/octet-stream') return raw
  throw new HttpError(415, `The Content-Type "${essence}" is not supported.`)
}
