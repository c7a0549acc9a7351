/** The public surface of `saker/middleware`. */

export { type CompressOptions, compress } from './compress.ts'
export { type CorsOptions, type CorsOrigin, cors } from './cors.ts'
export { type RateLimiter, type RateLimitOptions, rateLimit } from './rate-limit.ts'
export {
  type CspDirectives,
  DEFAULT_CSP,
  type HstsOptions,
  type SecurityHeadersOptions,
  securityHeaders,
} from './security-headers.ts'
export { timeout } from './timeout.ts'
