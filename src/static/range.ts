/** One byte range of a file, both ends included. */
export interface ByteRange {
  start: number
  end: number
}

const DIGITS = /^\d{1,15}$/

/**
 * Reads a `Range` header against a file of `size` bytes: the one range to send, `'unsatisfiable'`
 * (answer 416), or `null` to ignore the header and send the whole file.
 *
 * SPEC(RFC 9110 §14.2): a server may ignore `Range`; saker does for other units, malformed specs and
 * several ranges (a `multipart/byteranges` reply is rarely worth it), and sends the whole file.
 *
 * @example
 * parseRange('bytes=0-99', 1000) // { start: 0, end: 99 }
 * parseRange('bytes=-100', 1000) // { start: 900, end: 999 }
 */
export function parseRange(header: string, size: number): ByteRange | 'unsatisfiable' | null {
  const equals = header.indexOf('=')
  if (equals === -1 || header.slice(0, equals).trim().toLowerCase() !== 'bytes') return null
  const spec = header.slice(equals + 1).trim()
  if (spec.includes(',')) return null
  const dash = spec.indexOf('-')
  if (dash === -1) return null
  const first = spec.slice(0, dash).trim()
  const last = spec.slice(dash + 1).trim()
  if (first === '') {
    // A suffix: the last `n` bytes.
    if (!DIGITS.test(last)) return null
    const length = Number(last)
    if (length === 0 || size === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - length), end: size - 1 }
  }
  if (!DIGITS.test(first) || (last !== '' && !DIGITS.test(last))) return null
  const start = Number(first)
  const end = last === '' ? Number.MAX_SAFE_INTEGER : Number(last)
  // SPEC(RFC 9110 §14.1.1): a last position before the first makes the spec invalid, so it is ignored.
  if (end < start) return null
  if (start >= size) return 'unsatisfiable'
  return { start, end: Math.min(end, size - 1) }
}
