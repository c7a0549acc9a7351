/**
 * Media types worth compressing: text and structured text. Images, audio, video, fonts other than
 * ttf/otf, archives and unknown bytes are compressed already (or may be); `text/event-stream`
 * must reach the client event by event, which a compressor would hold back.
 */
const COMPRESSIBLE_TYPES = new Set([
  'application/json',
  'application/javascript',
  'application/xml',
  'application/wasm',
  'application/x-www-form-urlencoded',
  'application/graphql-response+json',
  'image/svg+xml',
  'image/x-icon',
  'image/bmp',
  'font/ttf',
  'font/otf',
])

/**
 * Whether a body of this `Content-Type` is worth compressing.
 *
 * @example
 * isCompressible('text/html; charset=utf-8') // true
 * isCompressible('image/png') // false
 */
export function isCompressible(contentType: string | undefined): boolean {
  if (contentType === undefined) return false
  const semicolon = contentType.indexOf(';')
  const essence = (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase()
  if (essence.startsWith('text/')) return essence !== 'text/event-stream'
  return (
    COMPRESSIBLE_TYPES.has(essence) ||
    essence.endsWith('+json') ||
    essence.endsWith('+xml') ||
    essence.endsWith('+text')
  )
}
