/** A parsed `Content-Type`: the lowercased `type/subtype` and its `charset`, if any. */
export interface MediaType {
  essence: string
  charset: string | undefined
}

// SPEC(RFC 9110 §8.3.1, §5.6): media-type = type "/" subtype *( OWS ";" OWS [ parameter ] ),
// parameter = token "=" ( token / quoted-string ), OWS = spaces and tabs. Anything else is 415.
const ESSENCE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+/
const TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]+/y
const OWS = /[ \t]*/y

/** Reads `pattern` (sticky) at `at`; the end of the match, or -1. */
function read(pattern: RegExp, text: string, at: number): number {
  pattern.lastIndex = at
  return pattern.test(text) ? pattern.lastIndex : -1
}

/** Reads a quoted-string at `at` (on the opening quote): its value and end, or null. */
function readQuoted(text: string, at: number): { value: string; end: number } | null {
  let value = ''
  for (let i = at + 1; i < text.length; i++) {
    const char = text[i] as string
    if (char === '"') return { value, end: i + 1 }
    if (char === '\\') {
      i++
      if (i === text.length) return null
      value += text[i]
    } else if (char === '\r' || char === '\n' || char === '\0') {
      return null
    } else {
      value += char
    }
  }
  return null
}

function parse(header: string): MediaType | null {
  const head = ESSENCE.exec(header)
  if (!head) return null
  let charset: string | undefined
  let at = read(OWS, header, head[0].length)
  while (at < header.length) {
    if (header[at] !== ';') return null
    at = read(OWS, header, at + 1)
    if (at === header.length || header[at] === ';') continue
    const nameEnd = read(TOKEN, header, at)
    if (nameEnd === -1 || header[nameEnd] !== '=') return null
    const name = header.slice(at, nameEnd).toLowerCase()
    let value: string
    if (header[nameEnd + 1] === '"') {
      const quoted = readQuoted(header, nameEnd + 1)
      if (quoted === null) return null
      value = quoted.value
      at = quoted.end
    } else {
      const valueEnd = read(TOKEN, header, nameEnd + 1)
      if (valueEnd === -1) return null
      value = header.slice(nameEnd + 1, valueEnd)
      at = valueEnd
    }
    if (name === 'charset') charset = value.toLowerCase()
    at = read(OWS, header, at)
  }
  return { essence: head[0].toLowerCase(), charset }
}

const cache = new Map<string, MediaType | null>()
const CACHE_LIMIT = 256

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
