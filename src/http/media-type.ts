/** A parsed `Content-Type`: the lowercased `type/subtype` and its `charset`, if any. */
export interface MediaType {
  essence: string
  charset: string | undefined
}

// SPEC(RFC 9110 §8.3.1): media-type = type "/" subtype parameters; tokens only,
// OWS is spaces and tabs. Anything else is not a media type and gets a 415.
const ESSENCE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+)[ \t]*(;.*)?$/s
const PARAMETER = /^[ \t]*([!#$%&'*+.^_`|~0-9A-Za-z-]+)=([!#$%&'*+.^_`|~0-9A-Za-z-]+|"[^"\\]*")[ \t]*$/
const EMPTY_PARAMETER = /^[ \t]*$/

const cache = new Map<string, MediaType | null>()
const CACHE_LIMIT = 256

function parse(header: string): MediaType | null {
  const head = ESSENCE.exec(header)
  if (!head) return null
  let charset: string | undefined
  const parameters = head[2]
  if (parameters !== undefined) {
    // NOTE: quoted values holding ";" are not supported; no media type we parse uses them.
    const parts = parameters.slice(1).split(';')
    for (const part of parts) {
      if (EMPTY_PARAMETER.test(part)) continue
      const parameter = PARAMETER.exec(part)
      if (!parameter) return null
      const name = (parameter[1] as string).toLowerCase()
      if (name === 'charset') charset = (parameter[2] as string).replaceAll('"', '').toLowerCase()
    }
  }
  return { essence: (head[1] as string).toLowerCase(), charset }
}

/**
 * Parses a `Content-Type` header strictly; `null` when it is malformed.
 * PERF: clients send the same few headers over and over, so results are cached.
 */
export function parseMediaType(header: string): MediaType | null {
  const cached = cache.get(header)
  if (cached !== undefined) return cached
  const parsed = parse(header)
  if (cache.size < CACHE_LIMIT) cache.set(header, parsed)
  return parsed
}
