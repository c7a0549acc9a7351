/**
 * The default key of `rateLimit()`: the client address, an IPv6 one cut to its network. An end
 * site is given a /64 of IPv6 (or more), so keying by the whole address would hand one client
 * 2^64 quotas.
 */

// PERF: one buffer for every parse; keys are made synchronously, so no two parses overlap.
const groups = new Uint16Array(8)

const COLON = 58
const DOT = 46

/** A parsed group; `index` is below 8, so never undefined. */
function group(index: number): number {
  return groups[index] as number
}

function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48
  const lower = code | 0x20
  return lower >= 97 && lower <= 102 ? lower - 87 : -1
}

/** The dotted IPv4 address in `text` from `start` to `end`, as a 32-bit number; -1 if it is not one. */
function ipv4At(text: string, start: number, end: number): number {
  let value = 0
  let part = 0
  let digits = 0
  let parts = 0
  for (let i = start; i <= end; i++) {
    const code = i === end ? DOT : text.charCodeAt(i)
    if (code === DOT) {
      if (digits === 0 || ++parts > 4) return -1
      value = value * 256 + part
      part = 0
      digits = 0
    } else if (code >= 48 && code <= 57) {
      // NOTE: no leading zero: some parsers read `010` as octal 8.
      if (digits === 1 && part === 0) return -1
      part = part * 10 + code - 48
      if (++digits > 3 || part > 255) return -1
    } else {
      return -1
    }
  }
  return parts === 4 ? value : -1
}

/** Parses an IPv6 address (a zone such as `%eth0` is ignored) into `groups`; false if it is not one. */
function parseIPv6(text: string): boolean {
  const percent = text.indexOf('%')
  const end = percent === -1 ? text.length : percent
  let count = 0
  /** Where `::` stands, in groups; -1 without one. */
  let gap = -1
  let i = 0
  if (text.charCodeAt(0) === COLON) {
    if (text.charCodeAt(1) !== COLON) return false
    gap = 0
    i = 2
  }
  while (i < end) {
    const start = i
    let value = 0
    let digit = hexDigit(text.charCodeAt(i))
    while (digit !== -1 && i - start < 4) {
      value = value * 16 + digit
      digit = hexDigit(text.charCodeAt(++i))
    }
    if (i < end && text.charCodeAt(i) === DOT) {
      // SPEC(RFC 4291 §2.2): the last 32 bits may be written as an IPv4 address.
      const ipv4 = count > 6 ? -1 : ipv4At(text, start, end)
      if (ipv4 === -1) return false
      groups[count++] = ipv4 >>> 16
      groups[count++] = ipv4 & 0xffff
      break
    }
    if (digit !== -1 || i === start || count === 8) return false
    groups[count++] = value
    if (i === end) break
    if (text.charCodeAt(i) !== COLON) return false
    i++
    if (text.charCodeAt(i) === COLON) {
      if (gap !== -1) return false
      gap = count
      i++
    } else if (i === end) {
      return false
    }
  }
  if (gap === -1) return count === 8
  if (count === 8) return false
  const tail = count - gap
  groups.copyWithin(8 - tail, gap, count)
  groups.fill(0, gap, 8 - tail)
  return true
}

/** SPEC(RFC 4291 §2.5.5.2): `::ffff:0:0/96` holds IPv4 addresses, which dual-stack sockets report so. */
function isIPv4Mapped(): boolean {
  return (
    group(0) === 0 &&
    group(1) === 0 &&
    group(2) === 0 &&
    group(3) === 0 &&
    group(4) === 0 &&
    group(5) === 0xffff
  )
}

/**
 * What `rateLimit()` counts a client by: an IPv4 address as it is (an IPv4-mapped IPv6 one as
 * its IPv4 address); an IPv6 address by its first `prefixLength` bits, written as a CIDR range in
 * lowercase hex, so every spelling of one network is one key. Anything else (a name a proxy
 * passed on) is its own key.
 *
 * @example
 * addressKey('2001:DB8:1:2::9', 64) // '2001:db8:1:2::/64'
 * addressKey('::ffff:192.0.2.1', 64) // '192.0.2.1'
 */
export function addressKey(address: string, prefixLength: number): string {
  // PERF: an IPv4 address, most clients, is its own key without any IPv6 parsing.
  if (address.indexOf(':') === -1 || !parseIPv6(address)) return address
  if (isIPv4Mapped()) return `${group(6) >>> 8}.${group(6) & 255}.${group(7) >>> 8}.${group(7) & 255}`
  const whole = prefixLength >>> 4
  const bits = prefixLength & 15
  let key = group(0).toString(16)
  for (let i = 1; i < whole; i++) key += `:${group(i).toString(16)}`
  if (bits !== 0) key += `:${(group(whole) & (0xffff << (16 - bits)) & 0xffff).toString(16)}`
  return whole + (bits === 0 ? 0 : 1) === 8 ? `${key}/${prefixLength}` : `${key}::/${prefixLength}`
}
