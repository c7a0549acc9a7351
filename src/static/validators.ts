import type { IncomingHttpHeaders } from 'node:http'

/**
 * A strong entity tag from the file's size and modification time (and the coding of a
 * precompressed sibling, so each representation has its own).
 *
 * @example
 * entityTag(1024, new Date(0), 'br') // '"400-0-br"'
 */
export function entityTag(size: number, modified: Date, encoding: string | null): string {
  const tag = `${size.toString(16)}-${Math.floor(modified.getTime()).toString(16)}`
  return encoding === null ? `"${tag}"` : `"${tag}-${encoding}"`
}

/** The modification time at HTTP-date precision (whole seconds). */
function seconds(modified: Date): number {
  return Math.floor(modified.getTime() / 1000) * 1000
}

/**
 * Whether a GET or HEAD can be answered 304 Not Modified.
 *
 * SPEC(RFC 9110 §13.1.2, §13.1.3, §13.2.2): `If-None-Match` (weak comparison, `*` matches any)
 * wins over `If-Modified-Since`, which is ignored when `If-None-Match` is sent or is not a date.
 */
export function isNotModified(
  headers: IncomingHttpHeaders,
  etag: string | undefined,
  modified: Date | undefined,
): boolean {
  const noneMatch = headers['if-none-match']
  if (noneMatch !== undefined) {
    if (etag === undefined) return false
    if (noneMatch.trim() === '*') return true
    const opaque = stripWeak(etag)
    for (const candidate of noneMatch.split(',')) if (stripWeak(candidate.trim()) === opaque) return true
    return false
  }
  const since = headers['if-modified-since']
  if (since === undefined || modified === undefined) return false
  const date = Date.parse(since)
  return !Number.isNaN(date) && seconds(modified) <= date
}

/**
 * Whether a `Range` may be honoured: there is no `If-Range`, or it still names this representation.
 *
 * SPEC(RFC 9110 §13.1.5): an entity tag must match strongly (a weak one never does); a date must
 * equal the `Last-Modified` exactly. Otherwise the whole file is sent.
 */
export function ifRangeHolds(
  headers: IncomingHttpHeaders,
  etag: string | undefined,
  modified: Date | undefined,
): boolean {
  const ifRange = headers['if-range']
  if (typeof ifRange !== 'string') return ifRange === undefined
  const value = ifRange.trim()
  if (value.startsWith('"') || value.startsWith('W/')) return etag !== undefined && value === etag
  return modified !== undefined && Date.parse(value) === seconds(modified)
}

function stripWeak(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag
}
