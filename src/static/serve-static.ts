import { realpathSync, statSync } from 'node:fs'
import { validateHeaderValue } from 'node:http'
import { join, resolve } from 'node:path'
import { Readable } from 'node:stream'
import type { Context } from '../context.ts'
import { HttpError } from '../errors.ts'
import { acceptedEncodings, type Encoding } from '../http/accept-encoding.ts'
import { closeWithResponse } from '../http/close-with-response.ts'
import { isCompressible } from '../http/compressible.ts'
import { appendVary } from '../http/vary.ts'
import type { Handler, Reply } from '../types.ts'
import { contentTypeOf } from './content-type.ts'
import { type OpenedFile, type Opener, openerUnder } from './open-under.ts'
import { parseRange } from './range.ts'
import { type DotfilePolicy, notFound, pathUnder } from './resolve.ts'
import { entityTag, ifRangeHolds, isNotModified } from './validators.ts'

/** Options of `app.static()`. */
export interface StaticOptions {
  /** The file served for a directory (`/assets/` serves `index.html`), or `false` for none. Default `'index.html'`. */
  index?: string | false
  /** `Cache-Control: public, max-age=<maxAge>` in seconds. Default `0` (caches revalidate every time). */
  maxAge?: number
  /** Adds `immutable` to `Cache-Control`: for fingerprinted file names (`app.3f9a1c.js`). */
  immutable?: boolean
  /** A `Cache-Control` value used as is instead of the one `maxAge` and `immutable` build, or `false` for none. */
  cacheControl?: string | false
  /** Paths with a segment starting with a dot: `'ignore'` (404, default), `'deny'` (403) or `'allow'`. */
  dotfiles?: DotfilePolicy
  /** Serve `<file>.br` or `<file>.gz` when present and the client accepts it. Default `true`. */
  precompressed?: boolean
  /** Send an `ETag` and answer `If-None-Match`. Default `true`. */
  etag?: boolean
  /** Send `Last-Modified` and answer `If-Modified-Since`. Default `true`. */
  lastModified?: boolean
  /** Content types by extension (`{ '.glb': 'model/gltf-binary' }`), over the built-in table. */
  contentTypes?: Record<string, string>
}

/** The options of one `app.static()`, resolved once at registration. */
interface Settings {
  root: string
  open: Opener
  index: string | false
  cacheControl: string | false
  dotfiles: DotfilePolicy
  precompressed: boolean
  etag: boolean
  lastModified: boolean
  contentTypes: ReadonlyMap<string, string> | undefined
}

/** Brotli first: smaller than gzip at the same decoding cost. */
const SIBLING_ENCODINGS: readonly Encoding[] = ['br', 'gzip']
const SIBLING_SUFFIX: Record<Encoding, string> = { br: '.br', gzip: '.gz' }
const LEADING_SLASHES = /^\/+/

/**
 * The handler that serves the files under `root` from a route ending in `/*`: content type,
 * `ETag`/`Last-Modified` with 304, single byte ranges (206, 416), precompressed siblings, HEAD,
 * and streaming. The root is resolved (symlinks too) here, once; a missing root throws.
 *
 * @example
 * app.get('/assets/*', { hidden: true }, staticHandler('./public', { maxAge: 3600 }))
 */
export function staticHandler(root: string, options: StaticOptions = {}): Handler {
  const realRoot = realpathSync(resolve(root))
  if (!statSync(realRoot).isDirectory()) throw new Error(`The static root is not a directory: ${root}`)
  const maxAge = options.maxAge ?? 0
  if (!Number.isInteger(maxAge) || maxAge < 0) throw new RangeError(`maxAge is whole seconds: ${maxAge}`)
  const cacheControl =
    options.cacheControl ?? `public, max-age=${maxAge}${options.immutable === true ? ', immutable' : ''}`
  if (cacheControl !== false) validateHeaderValue('cache-control', cacheControl)
  const settings: Settings = {
    root: realRoot,
    open: openerUnder(realRoot),
    index: options.index ?? 'index.html',
    cacheControl,
    dotfiles: options.dotfiles ?? 'ignore',
    precompressed: options.precompressed ?? true,
    etag: options.etag ?? true,
    lastModified: options.lastModified ?? true,
    contentTypes:
      options.contentTypes === undefined
        ? undefined
        : new Map(Object.entries(options.contentTypes).map(([ext, type]) => [ext.toLowerCase(), type])),
  }
  return (ctx) => serveFile(settings, ctx)
}

async function serveFile(settings: Settings, ctx: Context): Promise<Reply | undefined> {
  const wildcard = (ctx.params as Record<string, string>)['*'] ?? ''
  let path = pathUnder(settings.root, wildcard, settings.dotfiles)
  let file = await settings.open(path)
  if (file === null) throw notFound()
  if (file.stats.isDirectory()) {
    await file.handle.close()
    if (settings.index === false) throw notFound()
    // NOTE: the index's relative links resolve against the URL, so a directory's URL ends in "/".
    if (!ctx.path.endsWith('/')) return redirectToDirectory(ctx)
    path = join(path, settings.index)
    file = await settings.open(path)
    if (file === null) throw notFound()
  }
  // An index that is a directory.
  if (!file.stats.isFile()) {
    await file.handle.close()
    throw notFound()
  }
  const type = contentTypeOf(path, settings.contentTypes)
  let encoding: Encoding | null = null
  if (settings.precompressed && isCompressible(type)) {
    appendVary(ctx, 'Accept-Encoding')
    const sibling = await openSibling(settings, path, ctx.req.headers['accept-encoding'])
    if (sibling !== null) {
      await file.handle.close()
      file = sibling.file
      encoding = sibling.encoding
    }
  }
  return sendFile(settings, ctx, file, type, encoding)
}

/**
 * The precompressed sibling of `path` the client accepts, or `null` to send the file itself.
 *
 * NOTE: it never throws: a sibling that fails to open, whatever the error, counts as missing, so
 * the file's handle, already open in the caller, is neither leaked nor wasted.
 */
async function openSibling(
  settings: Settings,
  path: string,
  acceptEncoding: string | undefined,
): Promise<{ file: OpenedFile; encoding: Encoding } | null> {
  for (const encoding of acceptedEncodings(acceptEncoding, SIBLING_ENCODINGS)) {
    let sibling: OpenedFile | null
    try {
      sibling = await settings.open(path + SIBLING_SUFFIX[encoding])
    } catch {
      continue
    }
    if (sibling === null) continue
    if (sibling.stats.isFile()) return { file: sibling, encoding }
    await sibling.handle.close()
  }
  return null
}

async function sendFile(
  settings: Settings,
  ctx: Context,
  file: OpenedFile,
  type: string,
  encoding: Encoding | null,
): Promise<Reply | undefined> {
  // NOTE: the handle is closed here on every way out but one: the body stream takes it over, and
  // closes it at its end or as soon as the response closes (see `closeWithResponse`).
  let stream: Readable | undefined
  try {
    const { size, mtime } = file.stats
    const etag = settings.etag ? entityTag(size, mtime, encoding) : undefined
    const modified = settings.lastModified ? mtime : undefined
    const headers = ctx.req.headers
    let start = 0
    let end = size - 1
    let status = 200
    if (isNotModified(headers, etag, modified)) {
      status = 304
    } else if (ctx.method === 'GET' && headers.range !== undefined && ifRangeHolds(headers, etag, modified)) {
      // SPEC(RFC 9110 §14.2): GET is the only method with ranges; HEAD ignores them.
      const range = parseRange(headers.range, size)
      if (range === 'unsatisfiable') {
        throw new HttpError(416, `The range is outside the file's ${size} bytes.`, {
          code: 'RANGE_NOT_SATISFIABLE',
          headers: { 'content-range': `bytes */${size}` },
        })
      }
      if (range !== null) {
        start = range.start
        end = range.end
        status = 206
      }
    }
    // PERF: fixed or computed values, written without the per-call checks of `ctx.header()`.
    const reply = ctx.responseHeaders ?? {}
    ctx.responseHeaders = reply
    reply['accept-ranges'] = 'bytes'
    if (settings.cacheControl !== false) reply['cache-control'] = settings.cacheControl
    if (etag !== undefined) reply.etag = etag
    if (modified !== undefined) reply['last-modified'] = modified.toUTCString()
    if (encoding !== null) reply['content-encoding'] = encoding
    ctx.status(status)
    if (status === 304) return undefined
    if (status === 206) reply['content-range'] = `bytes ${start}-${end}/${size}`
    const length = end - start + 1
    reply['content-length'] = length
    if (ctx.method === 'HEAD' || length === 0) return ctx.stream(Readable.from([]), type)
    stream = file.handle.createReadStream({ start, end })
  } finally {
    if (stream === undefined) await file.handle.close()
  }
  closeWithResponse(ctx.res, stream)
  return ctx.stream(stream, type)
}

function redirectToDirectory(ctx: Context): Reply {
  // Leading slashes collapsed: `//host` as a Location would leave the site.
  const path = `${ctx.path.replace(LEADING_SLASHES, '/')}/`
  return ctx.redirect(ctx.rawQuery === '' ? path : `${path}?${ctx.rawQuery}`, 301)
}
