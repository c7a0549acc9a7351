import assert from 'node:assert/strict'
import { isIPv6 } from 'node:net'
import { describe, test } from 'node:test'
import { addressKey } from '../../src/middleware/rate-limit-key.ts'

describe('addressKey', () => {
  test('an IPv4 address is its own key, an IPv4-mapped IPv6 one too', () => {
    for (const address of ['192.0.2.1', '::ffff:192.0.2.1', '::FFFF:192.0.2.1', '0:0:0:0:0:ffff:c000:201']) {
      assert.equal(addressKey(address, 64), '192.0.2.1', address)
    }
  })

  test('an IPv6 address counts by its /64, however it is spelt', () => {
    const spellings = [
      '2001:db8:1:2::1',
      '2001:db8:1:2:ffff::9',
      '2001:DB8:1:2:0:0:0:1',
      '2001:0db8:0001:0002::',
      '2001:db8:1:2::192.0.2.1',
      '2001:db8:1:2:a:b:c:d%eth0',
    ]
    for (const address of spellings) assert.equal(addressKey(address, 64), '2001:db8:1:2::/64', address)
    assert.equal(addressKey('2001:db8:1:3::1', 64), '2001:db8:1:3::/64')
    assert.equal(addressKey('::1', 64), '0:0:0:0::/64')
    assert.equal(addressKey('::', 64), '0:0:0:0::/64')
  })

  test('other prefix lengths, whole groups or not', () => {
    const cases: [string, number, string][] = [
      ['2001:db8:1:2::1', 32, '2001:db8::/32'],
      ['2001:db8:1:2::1', 48, '2001:db8:1::/48'],
      ['2001:db8:1:2ab::1', 56, '2001:db8:1:200::/56'],
      ['2001:db8:1:2::1ff', 120, '2001:db8:1:2:0:0:0:100/120'],
      ['2001:db8:1:2::1', 128, '2001:db8:1:2:0:0:0:1/128'],
      ['64:ff9b::192.0.2.1', 128, '64:ff9b:0:0:0:0:c000:201/128'],
    ]
    for (const [address, prefixLength, key] of cases) assert.equal(addressKey(address, prefixLength), key)
  })

  test('what is not an address (a name or garbage a proxy passed on) is its own key', () => {
    const notAddresses = [
      'unknown',
      '_hidden',
      '192.0.2.1:8080',
      '[2001:db8::1]',
      '2001:db8::1::2',
      '2001:db8:1:2:3:4:5:6:7',
      '1:2:3:4:5:6:7:8::',
      ':1',
      '1:',
      '1:::2',
      '12345::',
      'g::1',
      '::1.2.3',
      '::256.1.1.1',
      '::01.2.3.4',
      '1:2:3:4:5:6:7:1.2.3.4',
    ]
    for (const address of notAddresses) assert.equal(addressKey(address, 64), address, address)
  })

  test('parses what node:net calls IPv6, and nothing else', () => {
    const candidates = [
      '::',
      '::1',
      '1::',
      '1:2:3:4:5:6:7:8',
      '1:2:3:4:5:6::8',
      '1::2:3:4:5:6:7',
      '::2:3:4:5:6:7:8',
      '::ffff:1.2.3.4',
      '1:2:3:4:5:6:1.2.3.4',
      '1::1.2.3.4',
      'fe80::1%eth0',
      'ABCD:EF01::',
      '1:2:3:4:5:6:7:8:9',
      '1::2::3',
      ':::',
      '1:2:3:4:5:6:7',
      '::1.2.3.4.5',
      '::1.2.3.256',
      '1:2:3:4:5:6:7:1.2.3.4',
      '::12345',
      '1.2.3.4',
    ]
    // Parsed, the key differs from the address: a `/` is added, or `::ffff:` is dropped.
    for (const address of candidates) {
      assert.equal(addressKey(address, 128) !== address, isIPv6(address), address)
    }
  })

  test('every spelling of a random address has the key of its canonical form', () => {
    let seed = 42
    const random = (below: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
      return seed % below
    }
    for (let i = 0; i < 500; i++) {
      // Runs of zero groups, so that `::` compresses them in the canonical form.
      const groups = Array.from({ length: 8 }, () => (random(3) === 0 ? 0 : random(0x10000)))
      const full = groups.map((group) => group.toString(16).toUpperCase().padStart(4, '0')).join(':')
      const canonical = new URL(`http://[${full}]/`).hostname.slice(1, -1)
      for (const prefixLength of [48, 64, 128]) {
        assert.equal(addressKey(full, prefixLength), addressKey(canonical, prefixLength), full)
      }
    }
  })
})
