import { validateHeaderValue } from 'node:http'
import type { Context } from '../context.ts'
import type { Next } from '../types.ts'

/** Content-Security-Policy directives by name; `null` removes a default one. */
export type CspDirectives = Record<string, string | readonly string[] | null>

/** Strict-Transport-Security settings. */
export interface HstsOptions {
  /** Seconds the browser keeps to HTTPS. Default one year. */
  maxAge?: number
  /** Default `true`. */
  includeSubDomains?: boolean
  /** Ask to be in browsers' preload lists. Default `false`. */
  preload?: boolean
}

/**
 * Options of `securityHeaders()`: each header's value, or `false` to leave it out. A string is
 * sent as it is.
 */
export interface SecurityHeadersOptions {
  /** Directives merged over the defaults, a whole policy string, or `false`. */
  contentSecurityPolicy?: CspDirectives | string | false
  /** Off by default (it binds browsers to HTTPS for a year): `true` or options to send it. */
  strictTransportSecurity?: HstsOptions | string | boolean
  /** Default `SAMEORIGIN`. */
  xFrameOptions?: 'DENY' | 'SAMEORIGIN' | false
  /** Default `no-referrer`. */
  referrerPolicy?: string | false
  /** Default `same-origin`. */
  crossOriginOpenerPolicy?: string | false
  /** Default `same-origin`: other sites cannot embed responses with `<img>` or `<script>`. */
  crossOriginResourcePolicy?: string | false
  /** Off by default (`require-corp` breaks pages that embed cross-origin resources). */
  crossOriginEmbedderPolicy?: string | false
  /** `X-Content-Type-Options: nosniff`. Default `true`. */
  xContentTypeOptions?: boolean
  /** `Origin-Agent-Cluster: ?1`. Default `true`. */
  originAgentCluster?: boolean
  /** `X-DNS-Prefetch-Control: off`. Default `true`. */
  xDnsPrefetchControl?: boolean
  /** `X-Permitted-Cross-Domain-Policies: none`. Default `true`. */
  xPermittedCrossDomainPolicies?: boolean
  /** `X-XSS-Protection: 0`: turns off the old filter, which caused more holes than it closed. Default `true`. */
  xXssProtection?: boolean
}

/**
 * The default policy: same-origin everything, no plugins, no framing by other sites. saker's
 * Swagger UI (`/docs`) runs under it: its scripts are files, not inline, its icons are `data:`
 * images and its inline styles are allowed.
 */
export const DEFAULT_CSP: Readonly<Record<string, string>> = {
  'default-src': "'self'",
  'base-uri': "'self'",
  'connect-src': "'self'",
  'font-src': "'self' https: data:",
  'form-action': "'self'",
  'frame-ancestors': "'self'",
  'img-src': "'self' data:",
  'object-src': "'none'",
  'script-src': "'self'",
  'script-src-attr': "'none'",
  'style-src': "'self' https: 'unsafe-inline'",
}

const ONE_YEAR = 365 * 24 * 60 * 60

/**
 * Helmet-like response headers against sniffing, framing, leaking referrers and cross-origin
 * reads, set before the handler runs, so a handler can still override one with `ctx.header()`.
 * Every value is built and validated here, once. As an `onRequest` hook every reply gets them; as
 * middleware (`app.use`), all but the body and validation errors (413, 415, 422) raised before it runs.
 *
 * @example
 * app.addHook('onRequest', securityHeaders({ strictTransportSecurity: true, xFrameOptions: 'DENY' }))
 */
export function securityHeaders(
  options: SecurityHeadersOptions = {},
): (ctx: Context, next?: Next) => unknown {
  const headers: Array<[name: string, value: string]> = []
  const add = (name: string, value: string | false | undefined, fallback: string | false) => {
    const chosen = value === undefined ? fallback : value
    if (chosen === false) return
    validateHeaderValue(name, chosen)
    headers.push([name, chosen])
  }
  const flag = (name: string, on: boolean | undefined, value: string) =>
    add(name, on === false ? false : value, value)
  add('content-security-policy', cspValue(options.contentSecurityPolicy), false)
  add('strict-transport-security', hstsValue(options.strictTransportSecurity), false)
  add('x-frame-options', options.xFrameOptions, 'SAMEORIGIN')
  add('referrer-policy', options.referrerPolicy, 'no-referrer')
  add('cross-origin-opener-policy', options.crossOriginOpenerPolicy, 'same-origin')
  add('cross-origin-resource-policy', options.crossOriginResourcePolicy, 'same-origin')
  add('cross-origin-embedder-policy', options.crossOriginEmbedderPolicy, false)
  flag('x-content-type-options', options.xContentTypeOptions, 'nosniff')
  flag('origin-agent-cluster', options.originAgentCluster, '?1')
  flag('x-dns-prefetch-control', options.xDnsPrefetchControl, 'off')
  flag('x-permitted-cross-domain-policies', options.xPermittedCrossDomainPolicies, 'none')
  flag('x-xss-protection', options.xXssProtection, '0')
  return (ctx, next) => setHeaders(headers, ctx, next)
}

/** As middleware, calls `next`; as an `onRequest` hook (no `next`), lets the request go on. */
function setHeaders(headers: ReadonlyArray<[string, string]>, ctx: Context, next: Next | undefined): unknown {
  // PERF: names and values validated in the factory, so they skip `ctx.header()`'s checks.
  const reply = ctx.responseHeaders ?? {}
  ctx.responseHeaders = reply
  for (const [name, value] of headers) reply[name] = value
  return next?.()
}

function cspValue(option: SecurityHeadersOptions['contentSecurityPolicy']): string | false {
  if (option === false || typeof option === 'string') return option
  const directives: Record<string, string | readonly string[] | null> = { ...DEFAULT_CSP, ...option }
  const parts: string[] = []
  for (const [name, value] of Object.entries(directives)) {
    if (value === null) continue
    const sources = typeof value === 'string' ? value : value.join(' ')
    parts.push(sources === '' ? name : `${name} ${sources}`)
  }
  return parts.join('; ')
}

function hstsValue(option: SecurityHeadersOptions['strictTransportSecurity']): string | false {
  if (option === undefined || option === false) return false
  if (typeof option === 'string') return option
  const settings = option === true ? {} : option
  const maxAge = settings.maxAge ?? ONE_YEAR
  if (!Number.isInteger(maxAge) || maxAge < 0) throw new RangeError(`maxAge is whole seconds: ${maxAge}`)
  let value = `max-age=${maxAge}`
  if (settings.includeSubDomains ?? true) value += '; includeSubDomains'
  if (settings.preload === true) value += '; preload'
  return value
}
