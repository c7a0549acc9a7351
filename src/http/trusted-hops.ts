import { BlockList, isIP } from 'node:net'

/** Names that stand for address ranges in a `trustProxy` list. */
const NAMED_RANGES: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  /** RFC 1918 and RFC 4193 networks, where container and cluster proxies live. */
  private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
}

const IPV4_MAPPED = '::ffff:'

/** An IPv4 peer of a dual-stack socket shows as `::ffff:10.0.0.2`; compare it as `10.0.0.2`. */
export function unmapped(address: string): string {
  return address.startsWith(IPV4_MAPPED) && address.includes('.')
    ? address.slice(IPV4_MAPPED.length)
    : address
}

function addEntry(list: BlockList, entry: string): void {
  const slash = entry.indexOf('/')
  const address = unmapped(slash === -1 ? entry : entry.slice(0, slash))
  const family = isIP(address)
  if (family === 0) throw new TypeError(`trustProxy: "${entry}" is not an address, a CIDR range or a name`)
  const type = family === 4 ? 'ipv4' : 'ipv6'
  if (slash === -1) list.addAddress(address, type)
  else list.addSubnet(address, Number(entry.slice(slash + 1)), type)
}

/**
 * Compiles a list of trusted proxies (addresses, CIDR ranges such as `10.0.0.0/8`, and the
 * names `loopback` and `private`) into a test of one hop's address.
 *
 * @example
 * const trusted = trustedHops(['loopback', '10.1.0.0/16'])
 * trusted('10.1.4.2') // true
 */
export function trustedHops(entries: readonly string[]): (address: string) => boolean {
  const list = new BlockList()
  for (const entry of entries) {
    for (const range of NAMED_RANGES[entry] ?? [entry]) addEntry(list, range)
  }
  return (address) => {
    const plain = unmapped(address)
    const family = isIP(plain)
    // A hop that is not an address (`unknown`, an obfuscated `_id`) is never trusted.
    return family !== 0 && list.check(plain, family === 4 ? 'ipv4' : 'ipv6')
  }
}
