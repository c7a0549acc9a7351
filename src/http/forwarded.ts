/**
 * The `Forwarded` header (RFC 7239): one element per proxy, in the order the proxies added
 * them, each with the address the proxy received the request from (`for`), and the protocol
 * and host the request came in with.
 */

/** What one proxy recorded; a parameter it did not send is `undefined`. */
export interface ForwardedElement {
  for: string | undefined
  proto: string | undefined
  host: string | undefined
}

function unquote(value: string): string {
  if (value.length < 2 || value[0] !== '"' || value[value.length - 1] !== '"') return value
  return value.slice(1, -1).replace(/\\(.)/g, '$1')
}

/** `"[2001:db8::17]:4711"` is `2001:db8::17`, `192.0.2.43:47011` is `192.0.2.43`; names stay as they are. */
function nodeAddress(node: string): string {
  if (node.startsWith('[')) {
    const end = node.indexOf(']')
    return end === -1 ? node : node.slice(1, end)
  }
  const colon = node.indexOf(':')
  return colon !== -1 && node.indexOf(':', colon + 1) === -1 ? node.slice(0, colon) : node
}

/**
 * Parses a `Forwarded` header value into its elements, the nearest proxy's last.
 *
 * @example
 * parseForwarded('for=192.0.2.60;proto=https, for="[2001:db8::1]:80"')
 * // [{ for: '192.0.2.60', proto: 'https', host: undefined }, { for: '2001:db8::1', proto: undefined, host: undefined }]
 */
export function parseForwarded(header: string): ForwardedElement[] {
  // NOTE: split on every comma and semicolon, quotes or not. No value saker reads (an address, a
  // scheme, a host) may hold one, and an unbalanced quote a client sends then stays in the client's
  // own element instead of swallowing the elements the trusted proxies appended after it.
  return header.split(',').map((part) => {
    const element: ForwardedElement = { for: undefined, proto: undefined, host: undefined }
    for (const pair of part.split(';')) {
      const equals = pair.indexOf('=')
      if (equals === -1) continue
      const name = pair.slice(0, equals).trim().toLowerCase()
      const value = unquote(pair.slice(equals + 1).trim())
      if (name === 'for') element.for = nodeAddress(value)
      else if (name === 'proto') element.proto = value
      else if (name === 'host') element.host = value
    }
    return element
  })
}
