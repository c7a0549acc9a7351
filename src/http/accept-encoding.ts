/** A content coding saker can send: Brotli or gzip. */
export type Encoding = 'br' | 'gzip'

/**
 * The codings of `supported` that an `Accept-Encoding` header accepts, the client's favourite
 * first (on a tie, the server's order); empty for none (send the body as it is).
 *
 * SPEC(RFC 9110 §12.5.3): codings are case-insensitive, `q=0` refuses one, `*` stands for every
 * coding not listed, and no header at all means no preference (identity is safest).
 *
 * @example
 * acceptedEncodings('gzip, br;q=0.8', ['br', 'gzip']) // ['gzip', 'br']
 */
export function acceptedEncodings(header: string | undefined, supported: readonly Encoding[]): Encoding[] {
  if (header === undefined || header === '') return []
  const weighed: Array<{ encoding: Encoding; weight: number }> = []
  for (const encoding of supported) {
    const weight = weightOf(header, encoding)
    if (weight > 0) weighed.push({ encoding, weight })
  }
  // A stable sort: equal weights keep the server's order.
  return weighed.sort((a, b) => b.weight - a.weight).map((entry) => entry.encoding)
}

/**
 * The one coding to send for an `Accept-Encoding` header (see `acceptedEncodings`), or `null`.
 *
 * @example
 * preferredEncoding('gzip, br;q=0.8', ['br', 'gzip']) // 'gzip'
 */
export function preferredEncoding(
  header: string | undefined,
  supported: readonly Encoding[],
): Encoding | null {
  if (header === undefined || header === '') return null
  let best: Encoding | null = null
  let bestWeight = 0
  for (const encoding of supported) {
    const weight = weightOf(header, encoding)
    // `>`: on a tie the earlier (server-preferred) coding stays.
    if (weight > bestWeight) {
      best = encoding
      bestWeight = weight
    }
  }
  return best
}

/** The weight the header gives `coding` (its own entry, else `*`), 0 if none. */
function weightOf(header: string, coding: string): number {
  let wildcard = 0
  let start = 0
  while (start < header.length) {
    let end = header.indexOf(',', start)
    if (end === -1) end = header.length
    const entry = header.slice(start, end)
    start = end + 1
    const semicolon = entry.indexOf(';')
    const name = (semicolon === -1 ? entry : entry.slice(0, semicolon)).trim().toLowerCase()
    if (name !== coding && name !== '*') continue
    const weight = semicolon === -1 ? 1 : qValue(entry.slice(semicolon + 1))
    if (name === coding) return weight
    wildcard = weight
  }
  return wildcard
}

/** The `q` of a parameter list (`q=0.5`), 1 without one, 0 when malformed. */
function qValue(parameters: string): number {
  const at = parameters.toLowerCase().indexOf('q=')
  if (at === -1) return 1
  const value = Number(parameters.slice(at + 2).trim())
  return Number.isFinite(value) && value >= 0 && value <= 1 ? value : 0
}
