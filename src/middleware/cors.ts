import { validateHeaderValue } from 'node:http'
import type { Context } from '../context.ts'
import { appendVary } from '../http/vary.ts'
import type { Next } from '../types.ts'

/** Which origins may call the API: any (`'*'`), one, a list, a pattern, or a function deciding. */
export type CorsOrigin = '*' | string | readonly string[] | RegExp | ((origin: string) => boolean)

/** Options of `cors()`. */
export interface CorsOptions {
  /** The allowed origins (`https://app.example.com`, exact match). Default `'*'`. */
  origin?: CorsOrigin
  /** Methods a preflight allows. Default `GET, HEAD, PUT, PATCH, POST, DELETE`. */
  methods?: readonly string[]
  /** Request headers a preflight allows. Default: the ones the preflight asks for. */
  allowHeaders?: readonly string[]
  /** Response headers the browser lets scripts read, besides the CORS-safelisted ones. */
  exposeHeaders?: readonly string[]
  /** Allow cookies and `Authorization` (`Access-Control-Allow-Credentials: true`). Default `false`. */
  credentials?: boolean
  /** How long, in seconds, a browser may cache a preflight's answer. Default `600`; `null` for none. */
  maxAge?: number | null
}

interface Settings {
  /** `null` when every origin is allowed. */
  allows: ((origin: string) => boolean) | null
  /** Whether the answer depends on the request's Origin (then `Vary: Origin`). */
  varies: boolean
  credentials: boolean
  methods: string
  allowHeaders: string | null
  exposeHeaders: string | null
  maxAge: string | null
}

const DEFAULT_METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE']

/**
 * Cross-origin resource sharing: `Access-Control-*` headers for allowed origins, and preflights
 * (`OPTIONS` with `Access-Control-Request-Method`) answered 204 before any route handler runs.
 * A disallowed origin gets no CORS headers (the browser then blocks the response).
 *
 * Use it on the app, not a group: a preflight is answered under the app's middleware and hooks only.
 * As middleware (`app.use`) it runs after the body is read and validated, so a 413 or 422 goes out
 * without CORS headers; as an `onRequest` hook it runs before both, and every reply has them.
 *
 * @example
 * app.addHook('onRequest', cors({ origin: ['https://app.example.com'], credentials: true }))
 * app.use(cors()) // also works; see above for what it misses
 */
export function cors(options: CorsOptions = {}): (ctx: Context, next?: Next) => unknown {
  const origin = options.origin ?? '*'
  const credentials = options.credentials ?? false
  // Credentials with every origin would let any website read a signed-in user's replies.
  if (credentials && origin === '*') {
    throw new TypeError('cors: credentials need the allowed origins listed, not "*"')
  }
  const allows = originMatcher(origin)
  const list = (names: readonly string[] | undefined): string | null => {
    if (names === undefined) return null
    const value = names.join(', ')
    validateHeaderValue('access-control-allow-headers', value)
    return value
  }
  const maxAge = options.maxAge === undefined ? 600 : options.maxAge
  if (maxAge !== null && (!Number.isInteger(maxAge) || maxAge < 0)) {
    throw new RangeError(`maxAge is whole seconds: ${maxAge}`)
  }
  const settings: Settings = {
    allows,
    // SPEC(Fetch §3.2.5): with credentials, `*` is not honoured, so the origin is echoed instead.
    varies: allows !== null || credentials,
    credentials,
    methods: list(options.methods ?? DEFAULT_METHODS) as string,
    allowHeaders: list(options.allowHeaders),
    exposeHeaders: list(options.exposeHeaders),
    maxAge: maxAge === null ? null : String(maxAge),
  }
  return (ctx, next) => applyCors(settings, ctx, next)
}

function originMatcher(origin: CorsOrigin): ((origin: string) => boolean) | null {
  if (origin === '*') return null
  if (typeof origin === 'function') return origin
  if (typeof origin === 'string') return (candidate) => candidate === origin
  if (origin instanceof RegExp) {
    // Without `g` and `y`, `test()` keeps no state between requests.
    const pattern = new RegExp(origin.source, origin.flags.replace(/[gy]/g, ''))
    return (candidate) => pattern.test(candidate)
  }
  const allowed = new Set(origin)
  return (candidate) => allowed.has(candidate)
}

/** As middleware, calls `next`; as an `onRequest` hook (no `next`), lets the request go on. */
function applyCors(settings: Settings, ctx: Context, next: Next | undefined): unknown {
  if (settings.varies) appendVary(ctx, 'Origin')
  const origin = ctx.req.headers.origin
  if (origin === undefined) return next?.()
  if (settings.allows !== null && !settings.allows(origin)) return next?.()
  // PERF: values validated in the factory (or by Node, for the echoed request headers).
  const headers = ctx.responseHeaders ?? {}
  ctx.responseHeaders = headers
  headers['access-control-allow-origin'] = settings.varies ? origin : '*'
  if (settings.credentials) headers['access-control-allow-credentials'] = 'true'
  const requestedMethod = ctx.req.headers['access-control-request-method']
  if (ctx.method !== 'OPTIONS' || requestedMethod === undefined) {
    if (settings.exposeHeaders !== null) headers['access-control-expose-headers'] = settings.exposeHeaders
    return next?.()
  }
  headers['access-control-allow-methods'] = settings.methods
  if (settings.allowHeaders !== null) {
    headers['access-control-allow-headers'] = settings.allowHeaders
  } else {
    appendVary(ctx, 'Access-Control-Request-Headers')
    const requested = ctx.req.headers['access-control-request-headers']
    if (requested !== undefined) headers['access-control-allow-headers'] = requested
  }
  if (settings.maxAge !== null) headers['access-control-max-age'] = settings.maxAge
  // An empty reply, so an `onRequest` hook ends the request here too.
  ctx.statusCode = 204
  ctx.payload = EMPTY
  return undefined
}

const EMPTY = { kind: 'raw', value: '' } as const
