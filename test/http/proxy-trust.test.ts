import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { saker } from '../../src/index.ts'
import { inject, serve } from '../../src/testing/index.ts'

type Options = Parameters<typeof saker>[0]

function appWith(options: Options) {
  const app = saker({ logger: false, ...options })
  app.get('/who', {}, (ctx) => ({ ip: ctx.ip, protocol: ctx.protocol, host: ctx.host }))
  return app
}

async function who(options: Options, remoteAddress: string, headers: Record<string, string>) {
  const res = await inject(appWith(options), { url: '/who', remoteAddress, headers })
  assert.equal(res.statusCode, 200)
  return res.json()
}

const DIRECT = { ip: '198.51.100.1', protocol: 'http', host: 'app.internal' }

describe('without trustProxy', () => {
  test('every proxy header is ignored: the socket is the client', async () => {
    const headers = {
      host: 'app.internal',
      forwarded: 'for=203.0.113.7;proto=https;host=evil.example',
      'x-forwarded-for': '203.0.113.7',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'evil.example',
    }
    assert.deepEqual(await who({}, '198.51.100.1', headers), DIRECT)
  })
})

describe('Forwarded (RFC 7239), proxyHeaders: forwarded', () => {
  const options: Options = { trustProxy: ['10.0.0.2'], proxyHeaders: 'forwarded' }

  test('from a trusted proxy: the address, protocol and host it recorded', async () => {
    const headers = { host: 'app.internal', forwarded: 'for=203.0.113.7;proto=https;host=api.example.com' }
    assert.deepEqual(await who(options, '10.0.0.2', headers), {
      ip: '203.0.113.7',
      protocol: 'https',
      host: 'api.example.com',
    })
  })

  test('from an untrusted peer: the header is ignored', async () => {
    const headers = { host: 'app.internal', forwarded: 'for=203.0.113.7;proto=https;host=evil.example' }
    assert.deepEqual(await who(options, '198.51.100.1', headers), DIRECT)
  })

  test('an element the client added itself is skipped: the right-most untrusted hop is the client', async () => {
    // the client sent the first element; the trusted proxy appended the second
    const headers = {
      host: 'app.internal',
      forwarded: 'for=1.1.1.1;proto=https;host=evil.example, for=203.0.113.7;proto=http;host=api.example.com',
    }
    assert.deepEqual(await who(options, '10.0.0.2', headers), {
      ip: '203.0.113.7',
      protocol: 'http',
      host: 'api.example.com',
    })
  })

  test('an unbalanced quote from the client does not swallow the element the proxy appended', async () => {
    const headers = { host: 'app.internal', forwarded: 'for="1.1.1.1, for=203.0.113.7;proto=https' }
    assert.deepEqual(await who(options, '10.0.0.2', headers), {
      ip: '203.0.113.7',
      protocol: 'https',
      host: 'app.internal',
    })
  })

  test('over two trusted hops (a CIDR range), the edge proxy tells the protocol and host', async () => {
    const headers = {
      host: 'app.internal',
      forwarded: 'for=203.0.113.7;proto=https;host=api.example.com, for=10.1.2.3;proto=http;host=lb.internal',
    }
    const trusted: Options = { trustProxy: ['10.0.0.0/8'], proxyHeaders: 'forwarded' }
    assert.deepEqual(await who(trusted, '10.0.0.2', headers), {
      ip: '203.0.113.7',
      protocol: 'https',
      host: 'api.example.com',
    })
  })

  test('IPv6 nodes are unbracketed and ports dropped; names are kept', async () => {
    const v6 = { host: 'h', forwarded: 'for="[2001:db8:cafe::17]:4711"' }
    assert.equal((await who(options, '10.0.0.2', v6)).ip, '2001:db8:cafe::17')
    const v4 = { host: 'h', forwarded: 'For="203.0.113.7:47011"' }
    assert.equal((await who(options, '10.0.0.2', v4)).ip, '203.0.113.7')
    const hidden = { host: 'h', forwarded: 'for=_hidden, for=unknown' }
    assert.equal((await who(options, '10.0.0.2', hidden)).ip, 'unknown')
  })

  test('an element without for: the nearest known hop is the address, never none', async () => {
    const bare = { host: 'h', forwarded: 'proto=https;host=api.example.com' }
    assert.equal((await who(options, '10.0.0.2', bare)).ip, '10.0.0.2')
    const chain: Options = { trustProxy: ['10.0.0.0/8'], proxyHeaders: 'forwarded' }
    const inner = { host: 'h', forwarded: 'proto=https, for=10.1.2.3' }
    assert.equal((await who(chain, '10.0.0.2', inner)).ip, '10.1.2.3')
  })

  test('X-Forwarded-* headers are ignored: a proxy setting Forwarded passes them on as sent', async () => {
    const headers = { host: 'app.internal', 'x-forwarded-for': '6.6.6.6', 'x-forwarded-proto': 'https' }
    assert.deepEqual(await who(options, '10.0.0.2', headers), {
      ip: '10.0.0.2',
      protocol: 'http',
      host: 'app.internal',
    })
  })

  test('a protocol that is not a URI scheme is ignored', async () => {
    const headers = { host: 'app.internal', forwarded: 'for=203.0.113.7;proto="ht tp"' }
    assert.equal((await who(options, '10.0.0.2', headers)).protocol, 'http')
  })
})

describe('X-Forwarded-Proto and -Host (the default proxyHeaders)', () => {
  const options: Options = { trustProxy: ['10.0.0.2'] }

  test('from a trusted proxy: honoured', async () => {
    const headers = {
      host: 'app.internal',
      'x-forwarded-for': '203.0.113.7',
      'x-forwarded-proto': 'HTTPS',
      'x-forwarded-host': 'api.example.com',
    }
    assert.deepEqual(await who(options, '10.0.0.2', headers), {
      ip: '203.0.113.7',
      protocol: 'https',
      host: 'api.example.com',
    })
  })

  test('from an untrusted peer: ignored', async () => {
    const headers = {
      host: 'app.internal',
      'x-forwarded-for': '203.0.113.7',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'evil.example',
    }
    assert.deepEqual(await who(options, '198.51.100.1', headers), DIRECT)
  })

  test('Forwarded is ignored: a proxy setting X-Forwarded-* passes it on as sent', async () => {
    const headers = { host: 'app.internal', forwarded: 'for=6.6.6.6;proto=https;host=evil.example' }
    assert.deepEqual(await who(options, '10.0.0.2', headers), {
      ip: '10.0.0.2',
      protocol: 'http',
      host: 'app.internal',
    })
  })

  test('with one value per hop, the client hop’s own; else the nearest proxy’s (the last)', async () => {
    // an appending proxy: the client claimed https for itself, the proxy saw http
    const aligned = {
      host: 'h',
      'x-forwarded-for': '6.6.6.6, 203.0.113.7',
      'x-forwarded-proto': 'https, http',
    }
    assert.deepEqual(await who(options, '10.0.0.2', aligned), {
      ip: '203.0.113.7',
      protocol: 'http',
      host: 'h',
    })
    const uneven = { host: 'h', 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https, http' }
    assert.equal((await who(options, '10.0.0.2', uneven)).protocol, 'http')
  })

  test('the named ranges: private and loopback', async () => {
    const headers = { host: 'h', 'x-forwarded-for': '203.0.113.7, 192.168.1.9, 172.16.0.1' }
    const named: Options = { trustProxy: ['private', 'loopback'] }
    assert.equal((await who(named, '::1', headers)).ip, '203.0.113.7')
    assert.equal((await who(named, '::ffff:10.0.0.2', headers)).ip, '203.0.113.7')
    assert.equal((await who(named, '198.51.100.1', headers)).ip, '198.51.100.1')
  })

  test('an entry that is neither an address, a range nor a name is refused when the app is made', () => {
    assert.throws(() => saker({ logger: false, trustProxy: ['10.0.0.300'] }), {
      name: 'TypeError',
      message: 'trustProxy: "10.0.0.300" is not an address, a CIDR range or a name',
    })
  })
})

test('on a real socket: a loopback proxy relays Forwarded', async () => {
  const app = appWith({ trustProxy: ['loopback'], proxyHeaders: 'forwarded' })
  const server = await serve(app)
  try {
    const relayed = await fetch(`${server.url}/who`, {
      headers: { forwarded: 'for=203.0.113.7;proto=https;host=api.example.com' },
    })
    assert.deepEqual(await relayed.json(), { ip: '203.0.113.7', protocol: 'https', host: 'api.example.com' })
    const direct = await fetch(`${server.url}/who`)
    assert.deepEqual(await direct.json(), {
      ip: '127.0.0.1',
      protocol: 'http',
      host: `127.0.0.1:${server.port}`,
    })
  } finally {
    await server.close()
  }
})
