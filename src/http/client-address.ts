import type { IncomingMessage } from 'node:http'

/**
 * Which proxies may set `X-Forwarded-For`: `false` (none, the default: the socket
 * address is the client), `true` (every hop, only behind a proxy you control), or
 * the list of proxy addresses to trust (`'loopback'` stands for 127.0.0.1 and ::1).
 */
export type TrustProxy = boolean | string[]

const LOOPBACK = ['127.0.0.1', '::1']

const IPV4_MAPPED = '::ffff:'

/** An IPv4 peer of a dual-stack socket shows as `::ffff:10.0.0.2`; compare it as `10.0.0.2`. */
function unmapped(address: string): string {
  return address.startsWith(IPV4_MAPPED) && address.includes('.')
    ? address.slice(IPV4_MAPPED.length)
    : address
}

function socketAddress(req: IncomingMessage): string | undefined {
  return req.socket.remoteAddress
}

function forwardedFor(req: IncomingMessage): string[] {
  const header = req.headers['x-forwarded-for']
  if (header === undefined) return []
  return (Array.isArray(header) ? header.join(',') : header)
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
}

/** Compiles the `trustProxy` setting into the function that finds a request's client address. */
export function clientAddressResolver(trust: TrustProxy): (req: IncomingMessage) => string | undefined {
  if (trust === false) return socketAddress
  if (trust === true) return (req) => forwardedFor(req)[0] ?? socketAddress(req)
  const trusted = new Set(trust.flatMap((entry) => (entry === 'loopback' ? LOOPBACK : [unmapped(entry)])))
  // SPEC: walk from the nearest hop back, stopping at the first address not trusted.
  return (req) => {
    let address = socketAddress(req)
    const hops = forwardedFor(req)
    while (address !== undefined && trusted.has(unmapped(address)) && hops.length > 0) address = hops.pop()
    return address
  }
}
