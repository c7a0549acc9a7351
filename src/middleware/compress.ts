import { pipeline } from 'node:stream'
import { promisify } from 'node:util'
import {
  type BrotliOptions,
  brotliCompress,
  constants,
  createBrotliCompress,
  createGzip,
  gzip,
  type ZlibOptions,
} from 'node:zlib'
import type { Context } from '../context.ts'
import { type Encoding, preferredEncoding } from '../http/accept-encoding.ts'
import { closeWithResponse } from '../http/close-with-response.ts'
import { isCompressible } from '../http/compressible.ts'
import { appendVary } from '../http/vary.ts'
import { NEXT_DONE, serializeValue } from '../lifecycle.ts'
import type { Middleware, Next } from '../types.ts'

/** Options of `compress()`. */
export interface CompressOptions {
  /** Bodies smaller than this many bytes are sent as they are. Default `1024`. */
  threshold?: number
  /** The codings offered, in the server's order of preference. Default `['br', 'gzip']`. */
  encodings?: ReadonlyArray<'br' | 'gzip'>
  /** Brotli quality, 0-11. Default `4`: near gzip's speed, smaller output; 11 is for build steps. */
  brotliQuality?: number
  /** gzip level, 1-9. Default `6`. */
  gzipLevel?: number
  /** Which content types are worth compressing (a pure function of the type: its last answer is reused). Default: text, JSON, JavaScript, XML, SVG, wasm (not images, video, archives or `text/event-stream`). */
  compressible?: (contentType: string) => boolean
}

interface Settings {
  threshold: number
  encodings: readonly Encoding[]
  brotli: BrotliOptions
  gzip: ZlibOptions
  compressible: (contentType: string) => boolean
}

const brotliAsync = promisify(brotliCompress)
const gzipAsync = promisify(gzip)
const NO_TRANSFORM = /(?:^|,)\s*no-transform\s*(?:,|$)/i

/**
 * Compresses replies with Brotli or gzip, whichever the client's `Accept-Encoding` weighs highest:
 * JSON values, text, bytes and streams (`ctx.stream`), when the content type is worth it and the
 * body is at least `threshold` bytes. Sets `Content-Encoding` and `Vary: Accept-Encoding`, fixes
 * `Content-Length` and weakens a strong `ETag`. Leaves alone replies that are encoded already, partial
 * (206), bodiless, or marked `Cache-Control: no-transform`. Register it first, so it sees the final reply.
 *
 * @example
 * app.use(compress({ threshold: 2048 }))
 */
export function compress(options: CompressOptions = {}): Middleware {
  const threshold = options.threshold ?? 1024
  if (!Number.isInteger(threshold) || threshold < 0) throw new RangeError(`Not a byte count: ${threshold}`)
  const encodings = [...(options.encodings ?? ['br', 'gzip'])]
  for (const encoding of encodings) {
    if (encoding !== 'br' && encoding !== 'gzip') throw new TypeError(`Unsupported encoding "${encoding}"`)
  }
  const settings: Settings = {
    threshold,
    encodings,
    brotli: { params: { [constants.BROTLI_PARAM_QUALITY]: options.brotliQuality ?? 4 } },
    gzip: { level: options.gzipLevel ?? 6 },
    compressible: lastAnswerKept(options.compressible ?? isCompressible),
  }
  return (ctx, next) => compressReply(settings, ctx, next)
}

/** PERF: replies of one API mostly share a content type; the last answer is kept for the next. */
function lastAnswerKept(compressible: (contentType: string) => boolean): (contentType: string) => boolean {
  let lastType = ''
  let lastAnswer = false
  return (contentType) => {
    if (contentType !== lastType) {
      lastAnswer = compressible(contentType)
      lastType = contentType
    }
    return lastAnswer
  }
}

// PERF: sync when the rest of the chain is (see NEXT_DONE), so a reply too small to compress costs
// no promise.
function compressReply(settings: Settings, ctx: Context, next: Next): void | Promise<void> {
  const rest = next()
  if (rest === NEXT_DONE) return compressPayload(settings, ctx)
  return rest.then(() => compressPayload(settings, ctx))
}

/** Compresses the reply that the rest of the chain set; a promise only while zlib works. */
function compressPayload(settings: Settings, ctx: Context): void | Promise<void> {
  const payload = ctx.payload
  if (payload === null || ctx.res.headersSent) return
  const status = ctx.statusCode === 0 ? 200 : ctx.statusCode
  if (status < 200 || status === 204 || status === 206 || status === 304) return
  const headers = ctx.responseHeaders ?? {}
  ctx.responseHeaders = headers
  if (headers['content-encoding'] !== undefined || headers['content-range'] !== undefined) return
  // SPEC(RFC 9111 §5.2.2.6): no-transform forbids changing the content coding.
  const cacheControl = headers['cache-control']
  if (cacheControl !== undefined && NO_TRANSFORM.test(String(cacheControl))) return
  const type =
    headers['content-type'] ?? ctx.contentType ?? (payload.kind === 'value' ? 'application/json' : undefined)
  if (type === undefined || !settings.compressible(String(type))) return
  appendVary(ctx, 'Accept-Encoding')
  const encoding = preferredEncoding(ctx.req.headers['accept-encoding'], settings.encodings)
  if (encoding === null) return
  if (payload.kind === 'stream') {
    const declared = headers['content-length']
    if (declared !== undefined && Number(declared) < settings.threshold) return
    const compressor = encoding === 'br' ? createBrotliCompress(settings.brotli) : createGzip(settings.gzip)
    pipeline(payload.value, compressor, ignoreStreamEnd)
    closeWithResponse(ctx.res, compressor)
    ctx.payload = { kind: 'stream', value: compressor }
    markEncoded(headers, encoding)
    return
  }
  const body = payload.kind === 'value' ? serializeValue(ctx.route, status, payload.value) : payload.value
  // The value is serialized now: a raw body keeps it from being serialized again.
  ctx.contentType ??= String(type)
  const size = typeof body === 'string' ? Buffer.byteLength(body) : body.length
  if (size < settings.threshold) {
    ctx.payload = { kind: 'raw', value: body }
    return
  }
  return compressBody(settings, ctx, headers, body, encoding)
}

// NOTE: the async zlib calls run on the thread pool, so a large body does not stall the event loop.
async function compressBody(
  settings: Settings,
  ctx: Context,
  headers: Record<string, string | number | string[]>,
  body: string | Buffer,
  encoding: Encoding,
): Promise<void> {
  const compressed =
    encoding === 'br' ? await brotliAsync(body, settings.brotli) : await gzipAsync(body, settings.gzip)
  ctx.payload = { kind: 'raw', value: compressed }
  markEncoded(headers, encoding)
}

function markEncoded(headers: Record<string, string | number | string[]>, encoding: Encoding): void {
  headers['content-encoding'] = encoding
  // Unknown until the compressor is done: a stream goes chunked, bytes get theirs at write time.
  delete headers['content-length']
  // SPEC(RFC 9110 §8.8.3): the compressed bytes differ, so a strong validator would be a false claim.
  const etag = headers.etag
  if (typeof etag === 'string' && etag.startsWith('"')) headers.etag = `W/${etag}`
}

// NOTE: a failing source or compressor is destroyed by `pipeline`, and the lifecycle cuts the response
// short; nothing is left to do here.
function ignoreStreamEnd(): void {}
