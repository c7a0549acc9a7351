import type { IncomingMessage } from 'node:http'
import type { TLSSocket } from 'node:tls'
import { type ForwardedElement, parseForwarded } from './forwarded.ts'
import { trustedHops } from './trusted-hops.ts'

/**
 * Which proxies may tell the client's address, protocol and host: `false` (none, the default:
 * the socket is the client), `true` (every hop, only behind a proxy you control that overwrites
 * the headers), or the list of proxies to trust: addresses, CIDR ranges (`10.0.0.0/8`), and the
 * names `loopback` (127.0.0.0/8, ::1) and `private` (10/8, 172.16/12, 192.168/16, fc00::/7).
 */
export type TrustProxy = boolean | string[]

/**
 * Which headers the trusted proxies set: `x-forwarded` (`X-Forwarded-For`, `-Proto`, `-Host`,
 * the default) or `forwarded` (RFC 7239). Only that family is read: a proxy passes the other
 * one on as the client sent it.
 */
export type ProxyHeaders = 'x-forwarded' | 'forwarded'

/** The client's address, protocol and host, as the socket tells or as trusted proxies relay them. */
export interface ClientView {
  address(req: IncomingMessage): string | undefined
  /** `http` or `https` (or what a trusted proxy says, lowercase). */
  protocol(req: IncomingMessage): string
  /** The `Host` the client asked for (with its port, if any). */
  host(req: IncomingMessage): string | undefined
}

/** What the proxies said: each hop's address, and for each hop the protocol and host it saw (if told). */
interface Relayed {
  hops: (string | undefined)[]
  protocols: (string | undefined)[]
  hosts: (string | undefined)[]
}

const SCHEME = /^[a-z][a-z0-9+.-]*$/

function listHeader(value: string | string[] | undefined): string[] {
  if (value === undefined) return []
  return (Array.isArray(value) ? value.join(',') : value)
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
}

function xForwarded(req: IncomingMessage): Relayed {
  return {
    hops: listHeader(req.headers['x-forwarded-for']),
    protocols: listHeader(req.headers['x-forwarded-proto']),
    hosts: listHeader(req.headers['x-forwarded-host']),
  }
}

function forwarded(req: IncomingMessage): Relayed {
  const header = req.headers.forwarded
  const elements: ForwardedElement[] = header === undefined ? [] : parseForwarded(header)
  return {
    hops: elements.map((element) => element.for),
    protocols: elements.map((element) => element.proto),
    hosts: elements.map((element) => element.host),
  }
}

function ownProtocol(req: IncomingMessage): string {
  return (req.socket as TLSSocket).encrypted === true ? 'https' : 'http'
}

function ownHost(req: IncomingMessage): string | undefined {
  return req.headers.host ?? (req.headers[':authority'] as string | undefined)
}

/**
 * The value of `values` that the proxy at hop `index` recorded: the same position when there is
 * one value per hop, else the last one, which the nearest proxy set (and so overwrote or appended).
 */
function relayedValue(values: (string | undefined)[], hopCount: number, index: number): string | undefined {
  return values.length === hopCount && index < hopCount ? values[index] : values[values.length - 1]
}

/**
 * Compiles the `trustProxy` and `proxyHeaders` settings into how a request's client address,
 * protocol and host are found.
 *
 * @example
 * const client = clientView(['loopback'], 'forwarded')
 * client.address(req) // the right-most address in `Forwarded` that is not a trusted proxy
 */
export function clientView(trust: TrustProxy, headers: ProxyHeaders = 'x-forwarded'): ClientView {
  if (trust === false) {
    return { address: (req) => req.socket.remoteAddress, protocol: ownProtocol, host: ownHost }
  }
  const trusted = trust === true ? () => true : trustedHops(trust)
  const relayed = headers === 'forwarded' ? forwarded : xForwarded

  /** SPEC(RFC 7239 §5.2): walk from the nearest hop back, stopping at the first one not trusted. */
  function clientHop(req: IncomingMessage, hops: (string | undefined)[]): number {
    let index = hops.length
    let address = req.socket.remoteAddress
    while (address !== undefined && trusted(address) && index > 0) address = hops[--index]
    return index
  }

  return {
    address(req) {
      const { hops } = relayed(req)
      const index = clientHop(req, hops)
      // A hop a proxy left unnamed (`Forwarded` without `for`) is not "no client": an undefined
      // address would leave the request out of per-address limits. The nearest hop known stands in.
      return hops[index] ?? (index + 1 < hops.length ? hops[index + 1] : req.socket.remoteAddress)
    },
    protocol(req) {
      const remote = req.socket.remoteAddress
      if (remote === undefined || !trusted(remote)) return ownProtocol(req)
      const { hops, protocols } = relayed(req)
      const told = relayedValue(protocols, hops.length, clientHop(req, hops))?.toLowerCase()
      return told !== undefined && SCHEME.test(told) ? told : ownProtocol(req)
    },
    host(req) {
      const remote = req.socket.remoteAddress
      if (remote === undefined || !trusted(remote)) return ownHost(req)
      const { hops, hosts } = relayed(req)
      return relayedValue(hosts, hops.length, clientHop(req, hops)) || ownHost(req)
    },
  }
}
