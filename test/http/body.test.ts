import assert from 'node:assert/strict'
import { connect, type Socket } from 'node:net'
import { describe, test } from 'node:test'
import { type SakerOptions, saker } from 'saker'
import { inject, serve } from 'saker/testing'
import { parseResponses, RawClient, type RawResponse } from '../helpers/raw-http.ts'

// ---- helpers ----

const PROBLEM = 'application/problem+json'

function problem(status: number, title: string, code: string, detail: string, instance = '/echo') {
  return { type: 'about:blank', title, status, code, detail, instance }
}

const tooLarge = (limit: number, instance = '/echo') =>
  problem(
    413,
    'Payload Too Large',
    'PAYLOAD_TOO_LARGE',
    `The request body is larger than ${limit} bytes.`,
    instance,
  )
const invalidType = (header: string) =>
  problem(
    415,
    'Unsupported Media Type',
    'UNSUPPORTED_MEDIA_TYPE',
    `The Content-Type "${header}" is not valid.`,
  )
const unsupportedType = (essence: string) =>
  problem(
    415,
    'Unsupported Media Type',
    'UNSUPPORTED_MEDIA_TYPE',
    `The Content-Type "${essence}" is not supported.`,
  )
const FORBIDDEN_JSON = problem(
  400,
  'Bad Request',
  'FORBIDDEN_PROPERTY',
  'The JSON body has a forbidden "__proto__" or "constructor.prototype" property.',
)
const FORBIDDEN_FORM = problem(
  400,
  'Bad Request',
  'FORBIDDEN_PROPERTY',
  'The form body has a forbidden "__proto__" field.',
)
const LENGTH_MISMATCH = problem(
  400,
  'Bad Request',
  'BAD_REQUEST',
  'The body length does not match the Content-Length header.',
)
const EMPTY_JSON = problem(400, 'Bad Request', 'BAD_REQUEST', 'The JSON body is empty.')

/** The 400 the server's clientError handler writes for bytes Node cannot parse (no route: no instance). */
const NOT_HTTP = {
  type: 'about:blank',
  title: 'Bad Request',
  status: 400,
  code: 'BAD_REQUEST',
  detail: 'The request is not valid HTTP.',
}

/** The problem `parseBody` sends for malformed JSON; the detail carries V8's own message. */
function malformed(text: string) {
  let message = ''
  try {
    JSON.parse(text)
  } catch (error) {
    message = (error as Error).message
  }
  assert.notEqual(message, '', `${text} is valid JSON`)
  return problem(400, 'Bad Request', 'MALFORMED_JSON', `The JSON body is malformed: ${message}`)
}

/** What the echo routes answer: the kind of `ctx.body` and its value, so parsing is visible exactly. */
function describeBody(body: unknown) {
  if (body === undefined) return { kind: 'undefined' }
  if (Buffer.isBuffer(body)) return { kind: 'buffer', hex: body.toString('hex') }
  if (typeof body === 'string') return { kind: 'string', value: body }
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const proto = Object.getPrototypeOf(body)
    return {
      kind: 'object',
      value: body,
      prototype: proto === null ? 'null' : proto === Object.prototype ? 'Object' : 'other',
    }
  }
  return { kind: typeof body, value: body }
}

function bodyApp(options: SakerOptions = {}) {
  const app = saker({ logger: false, server: { closeGrace: 1000 }, ...options })
  app.post('/echo', {}, (ctx) => describeBody(ctx.body))
  app.put('/echo', {}, (ctx) => describeBody(ctx.body))
  app.post('/size', {}, (ctx) => ({ bytes: Buffer.isBuffer(ctx.body) ? ctx.body.length : -1 }))
  app.post('/small', { bodyLimit: 10 }, (ctx) => ({
    bytes: Buffer.isBuffer(ctx.body) ? ctx.body.length : -1,
  }))
  app.post('/roomy', { bodyLimit: 200 }, (ctx) => ({
    bytes: Buffer.isBuffer(ctx.body) ? ctx.body.length : -1,
  }))
  app.group('/group', (group) => {
    group.post('/size', {}, (ctx) => ({ bytes: Buffer.isBuffer(ctx.body) ? ctx.body.length : -1 }))
  })
  return app
}

async function post(
  contentType: string | undefined,
  payload: string | Buffer,
  url = '/echo',
  app = bodyApp(),
) {
  const headers: Record<string, string> = {}
  if (contentType !== undefined) headers['content-type'] = contentType
  return inject(app, { method: 'POST', url, headers, payload })
}

// ---- JSON ----

describe('JSON bodies', () => {
  test('parses an application/json object into a plain object', async () => {
    const res = await post(
      'application/json',
      '{"name":"Ada","tags":["a","b"],"n":1.5,"ok":true,"none":null}',
    )
    assert.equal(res.statusCode, 200)
    assert.equal(res.headers['content-type'], 'application/json')
    assert.deepEqual(res.json(), {
      kind: 'object',
      value: { name: 'Ada', tags: ['a', 'b'], n: 1.5, ok: true, none: null },
      prototype: 'Object',
    })
  })

  test('parses JSON arrays and scalars as they are', async () => {
    for (const [text, expected] of [
      ['[1,"two",null]', { kind: 'object', value: [1, 'two', null] }],
      ['"text"', { kind: 'string', value: 'text' }],
      ['42', { kind: 'number', value: 42 }],
      ['false', { kind: 'boolean', value: false }],
      ['null', { kind: 'object', value: null }],
    ] as const) {
      const res = await post('application/json', text)
      assert.equal(res.statusCode, 200, text)
      assert.deepEqual(res.json(), expected, text)
    }
  })

  test('decodes UTF-8', async () => {
    const res = await post('application/json', Buffer.from('{"name":"Zoë ✓ 日本"}', 'utf8'))
    assert.equal(res.statusCode, 200)
    assert.deepEqual(res.json(), { kind: 'object', value: { name: 'Zoë ✓ 日本' }, prototype: 'Object' })
  })

  test('parses application/*+json types as JSON', async () => {
    for (const type of [
      'application/merge-patch+json',
      'application/vnd.api+json',
      'application/problem+json',
      'application/vnd.saker.member.v1+json; charset=utf-8',
    ]) {
      const res = await post(type, '{"a":1}')
      assert.equal(res.statusCode, 200, type)
      assert.deepEqual(res.json(), { kind: 'object', value: { a: 1 }, prototype: 'Object' }, type)
    }
  })

  test('refuses a "__proto__" key at any depth with 400 FORBIDDEN_PROPERTY', async () => {
    for (const text of [
      '{"__proto__":{"polluted":true}}',
      '{"a":1,"__proto__":{"polluted":true}}',
      '{"member":{"__proto__":{"polluted":true}}}',
      '[{"__proto__":{"polluted":true}}]',
    ]) {
      const res = await post('application/json', text)
      assert.equal(res.statusCode, 400, text)
      assert.equal(res.headers['content-type'], PROBLEM)
      assert.deepEqual(res.json(), FORBIDDEN_JSON, text)
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined)
  })

  test('refuses "constructor.prototype" with 400 FORBIDDEN_PROPERTY', async () => {
    for (const text of [
      '{"constructor":{"prototype":{"polluted":true}}}',
      '{"a":{"constructor":{"prototype":{"polluted":true}}}}',
    ]) {
      const res = await post('application/json', text)
      assert.equal(res.statusCode, 400, text)
      assert.equal(res.headers['content-type'], PROBLEM)
      assert.deepEqual(res.json(), FORBIDDEN_JSON, text)
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined)
  })

  test('accepts harmless "constructor" and "prototype" keys', async () => {
    const text = '{"constructor":{"name":"x"},"prototype":1}'
    const res = await post('application/json', text)
    assert.equal(res.statusCode, 200)
    assert.deepEqual(res.json(), {
      kind: 'object',
      value: { constructor: { name: 'x' }, prototype: 1 },
      prototype: 'Object',
    })
  })

  test('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    for (const text of ['{"a":', '{oops}', "{'a':1}", '[1,]', '   ', 'nul']) {
      const res = await post('application/json', text)
      assert.equal(res.statusCode, 400, text)
      assert.equal(res.headers['content-type'], PROBLEM)
      assert.deepEqual(res.json(), malformed(text), text)
    }
  })

  // BUG: parseJson (src/http/body.ts) tells the two 400s apart by looking for "prototype" in the
  // parser's message, and V8's message quotes the body: any malformed body containing that word
  // is reported as a forbidden property.
  test('malformed JSON that merely contains the word "prototype" is MALFORMED_JSON', async () => {
    for (const text of ['{"prototype": oops}', '{"a":"constructor.prototype",}']) {
      const res = await post('application/json', text)
      assert.equal(res.statusCode, 400, text)
      assert.deepEqual(res.json(), malformed(text), text)
    }
  })

  // BUG (docs/context.md: "an empty JSON body is 400"): hasBody() treats Content-Length: 0 as no
  // body at all, so parseJson's empty check never runs and the handler gets `undefined`.
  test('an empty JSON body (Content-Length: 0) is 400', async () => {
    const res = await inject(bodyApp(), {
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json', 'content-length': '0' },
      payload: '',
    })
    assert.equal(res.statusCode, 400)
    assert.equal(res.headers['content-type'], PROBLEM)
    assert.deepEqual(res.json(), EMPTY_JSON)
  })

  test('an empty chunked JSON body is 400', { timeout: 5000 }, async () => {
    const server = await serve(bodyApp())
    const client = await RawClient.open(server.port)
    try {
      client.write(
        'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      )
      assert.ok(await client.until(() => client.responses.length === 1, 2000), 'no response within 2 s')
      const [res] = client.responses
      assert.equal(res?.statusLine, 'HTTP/1.1 400 Bad Request')
      assert.equal(res?.headers['content-type'], PROBLEM)
      assert.deepEqual(JSON.parse(res?.body ?? ''), EMPTY_JSON)
    } finally {
      client.destroy()
      await server.close()
    }
  })
})

// ---- other types ----

describe('forms, text and bytes', () => {
  test('parses application/x-www-form-urlencoded into strings, arrays for repeated keys', async () => {
    const res = await post('application/x-www-form-urlencoded', 'a=1&a=2&b=x%20y&c=&d=caf%C3%A9+ok')
    assert.equal(res.statusCode, 200)
    const body = res.json()
    assert.deepEqual(body.value, { a: ['1', '2'], b: 'x y', c: '', d: 'café ok' })
    assert.equal(body.kind, 'object')
  })

  test('refuses a "__proto__" form field with 400 FORBIDDEN_PROPERTY', async () => {
    for (const text of ['__proto__=1', 'a=1&__proto__=x', '%5F%5Fproto%5F%5F=1']) {
      const res = await post('application/x-www-form-urlencoded', text)
      assert.equal(res.statusCode, 400, text)
      assert.equal(res.headers['content-type'], PROBLEM)
      assert.deepEqual(res.json(), FORBIDDEN_FORM, text)
    }
  })

  test('gives text/* as a string', async () => {
    for (const type of ['text/plain', 'text/plain; charset=utf-8', 'text/csv', 'TEXT/Markdown']) {
      const res = await post(type, Buffer.from('héllo,✓\nline 2', 'utf8'))
      assert.equal(res.statusCode, 200, type)
      assert.deepEqual(res.json(), { kind: 'string', value: 'héllo,✓\nline 2' }, type)
    }
  })

  test('gives application/octet-stream as a Buffer of the exact bytes', async () => {
    const res = await post('application/octet-stream', Buffer.from([0, 1, 2, 0x7f, 0x80, 0xff]))
    assert.equal(res.statusCode, 200)
    assert.deepEqual(res.json(), { kind: 'buffer', hex: '0001027f80ff' })
  })

  test('a body without Content-Type is 415', async () => {
    const res = await post(undefined, 'hello')
    assert.equal(res.statusCode, 415)
    assert.equal(res.headers['content-type'], PROBLEM)
    assert.deepEqual(
      res.json(),
      problem(
        415,
        'Unsupported Media Type',
        'UNSUPPORTED_MEDIA_TYPE',
        'The request has a body but no Content-Type.',
      ),
    )
  })

  test('an unsupported Content-Type is 415', async () => {
    for (const [header, essence] of [
      ['application/xml', 'application/xml'],
      ['multipart/form-data; boundary=xyz', 'multipart/form-data'],
      ['image/png', 'image/png'],
      ['application/json-seq', 'application/json-seq'],
    ]) {
      const res = await post(header, '<a/>')
      assert.equal(res.statusCode, 415, header)
      assert.equal(res.headers['content-type'], PROBLEM)
      assert.deepEqual(res.json(), unsupportedType(essence as string), header)
    }
  })

  test('a request without a body reaches the handler with ctx.body undefined', async () => {
    const res = await inject(bodyApp(), { method: 'POST', url: '/echo' })
    assert.equal(res.statusCode, 200)
    assert.deepEqual(res.json(), { kind: 'undefined' })
  })
})

// ---- Content-Type parsing ----

// SPEC(RFC 9110 §8.3.1, §5.6.6): media-type = type "/" subtype parameters;
// parameters = *( OWS ";" OWS [ parameter ] ); parameter = token "=" ( token / quoted-string ).
// Type, subtype and parameter names are case-insensitive; no whitespace around "=".
describe('strict Content-Type parsing', () => {
  const accepted = [
    'application/json',
    'Application/JSON',
    'APPLICATION/JSON; CHARSET=UTF-8',
    'application/json; charset=utf-8',
    'application/json;charset=utf-8',
    'application/json; charset="utf-8"',
    'application/json;',
    'application/json ;',
    'application/json\t;\tcharset=utf-8',
    'application/json;;charset=utf-8',
    'application/json; charset=utf-8;',
    'application/json; profile=member',
  ]
  for (const header of accepted) {
    test(`accepts ${JSON.stringify(header)}`, async () => {
      const res = await post(header, '{"ok":true}')
      assert.equal(res.statusCode, 200)
      assert.deepEqual(res.json(), { kind: 'object', value: { ok: true }, prototype: 'Object' })
    })
  }

  const malformedHeaders = [
    'application/json garbage',
    'application /json',
    'application/ json',
    'application/json;;=',
    'application/json;=',
    'application/json; =utf-8',
    'application/json; charset',
    'application/json; charset=',
    'application/json; charset = utf-8',
    'application/json; charset="utf-8',
    'application/json, text/plain',
    'application/json/x',
    'application',
    '/json',
    'json',
  ]
  for (const header of malformedHeaders) {
    test(`refuses ${JSON.stringify(header)} as malformed (415)`, async () => {
      const res = await post(header, '{"ok":true}')
      assert.equal(res.statusCode, 415)
      assert.equal(res.headers['content-type'], PROBLEM)
      assert.deepEqual(res.json(), invalidType(header))
    })
  }

  // BUG (minor, the NOTE in src/http/media-type.ts): parameters are split on every ";" and quoted
  // values may not hold a quoted-pair, so these valid headers (RFC 9110 §5.6.4) are refused with 415.
  test('accepts quoted parameter values holding ";" or a quoted-pair', async () => {
    for (const header of ['application/json; profile="a;b"', 'application/json; profile="say \\"hi\\""']) {
      const res = await post(header, '{"ok":true}')
      assert.equal(res.statusCode, 200, header)
      assert.deepEqual(res.json(), { kind: 'object', value: { ok: true }, prototype: 'Object' }, header)
    }
  })

  test('refuses a look-alike type, application/jsonx, as unsupported (415)', async () => {
    const res = await post('application/jsonx', '{"ok":true}')
    assert.equal(res.statusCode, 415)
    assert.deepEqual(res.json(), unsupportedType('application/jsonx'))
  })

  test('refuses a charset other than UTF-8 (415)', async () => {
    for (const [header, charset] of [
      ['application/json; charset=latin1', 'latin1'],
      ['application/json; charset=ISO-8859-1', 'iso-8859-1'],
      ['application/json; charset=utf-16', 'utf-16'],
      ['text/plain; charset=windows-1252', 'windows-1252'],
    ]) {
      const res = await post(header, '{"ok":true}')
      assert.equal(res.statusCode, 415, header)
      assert.deepEqual(
        res.json(),
        problem(
          415,
          'Unsupported Media Type',
          'UNSUPPORTED_MEDIA_TYPE',
          `The charset "${charset}" is not supported; send UTF-8.`,
        ),
        header,
      )
    }
  })
})

// ---- limits ----

describe('body limits', () => {
  const MiB = 1024 * 1024

  test('the default limit is 1 MiB', async () => {
    const app = bodyApp()
    const atLimit = await post('application/octet-stream', Buffer.alloc(MiB, 1), '/size', app)
    assert.equal(atLimit.statusCode, 200)
    assert.deepEqual(atLimit.json(), { bytes: MiB })

    const over = await post('application/octet-stream', Buffer.alloc(MiB + 1, 1), '/size', app)
    assert.equal(over.statusCode, 413)
    assert.equal(over.headers['content-type'], PROBLEM)
    assert.deepEqual(over.json(), tooLarge(MiB, '/size'))
  })

  test('a route bodyLimit applies to that route only', async () => {
    const app = bodyApp()
    const atLimit = await post('application/octet-stream', Buffer.alloc(10), '/small', app)
    assert.equal(atLimit.statusCode, 200)
    assert.deepEqual(atLimit.json(), { bytes: 10 })

    const over = await post('application/octet-stream', Buffer.alloc(11), '/small', app)
    assert.equal(over.statusCode, 413)
    assert.deepEqual(over.json(), tooLarge(10, '/small'))

    const elsewhere = await post('application/octet-stream', Buffer.alloc(11), '/size', app)
    assert.equal(elsewhere.statusCode, 200)
  })

  test('the app bodyLimit applies to every route, groups too; a route bodyLimit overrides it', async () => {
    const app = bodyApp({ bodyLimit: 100 })
    assert.equal((await post('application/octet-stream', Buffer.alloc(100), '/size', app)).statusCode, 200)

    const over = await post('application/octet-stream', Buffer.alloc(101), '/size', app)
    assert.equal(over.statusCode, 413)
    assert.deepEqual(over.json(), tooLarge(100, '/size'))

    const grouped = await post('application/octet-stream', Buffer.alloc(101), '/group/size', app)
    assert.equal(grouped.statusCode, 413)
    assert.deepEqual(grouped.json(), tooLarge(100, '/group/size'))

    const roomy = await post('application/octet-stream', Buffer.alloc(150), '/roomy', app)
    assert.equal(roomy.statusCode, 200)
    assert.deepEqual(roomy.json(), { bytes: 150 })

    const small = await post('application/octet-stream', Buffer.alloc(11), '/small', app)
    assert.equal(small.statusCode, 413)
    assert.deepEqual(small.json(), tooLarge(10, '/small'))
  })

  test('a declared Content-Length over the limit is answered 413 before the body is sent', {
    timeout: 5000,
  }, async () => {
    let handled = false
    const app = bodyApp()
    app.post('/upload', { bodyLimit: 1000 }, () => {
      handled = true
      return { ok: true }
    })
    const server = await serve(app)
    const client = await RawClient.open(server.port)
    try {
      // The head only: a client waiting for "100 Continue" or a reply before sending 10 GiB.
      client.write(
        'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 10737418240\r\n\r\n',
      )
      assert.ok(await client.until(() => client.responses.length === 1, 2000), 'no 413 within 2 s')
      const [res] = client.responses
      assert.equal(res?.statusLine, 'HTTP/1.1 413 Payload Too Large')
      assert.equal(res?.headers['content-type'], PROBLEM)
      assert.deepEqual(JSON.parse(res?.body ?? ''), tooLarge(1000, '/upload'))
      assert.equal(handled, false)
    } finally {
      client.destroy()
      await server.close()
    }
  })

  /** Sends a chunked body of 512-byte chunks, one every 5 ms, until a reply comes or 200 chunks are sent. */
  async function chunkedOverLimit(client: RawClient): Promise<{ chunksSent: number }> {
    client.write(
      'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n',
    )
    let chunksSent = 0
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (client.data !== '' || client.closed || chunksSent === 200) {
          clearInterval(timer)
          resolve()
          return
        }
        client.write(`200\r\n${'x'.repeat(512)}\r\n`)
        chunksSent++
      }, 5)
    })
    return { chunksSent }
  }

  function chunkedApp() {
    const app = bodyApp()
    app.post('/upload', { bodyLimit: 4096 }, () => ({ ok: true }))
    return app
  }

  test('a chunked body is cut off with 413 as soon as it passes the limit', { timeout: 5000 }, async () => {
    const server = await serve(chunkedApp())
    const client = await RawClient.open(server.port)
    try {
      const { chunksSent } = await chunkedOverLimit(client)
      assert.ok(await client.until(() => client.responses.length === 1, 2000), 'no 413 within 2 s')
      // 4096 bytes is 8 chunks: the reply must come long before the client runs out of chunks.
      assert.ok(chunksSent < 200, `the server waited for the whole body (${chunksSent} chunks sent)`)
      const [res] = client.responses
      assert.equal(res?.statusLine, 'HTTP/1.1 413 Payload Too Large')
      assert.equal(res?.headers['content-type'], PROBLEM)
      assert.deepEqual(JSON.parse(res?.body ?? ''), tooLarge(4096, '/upload'))
    } finally {
      client.destroy()
      await server.close()
    }
  })

  // BUG (docs/context.md: "a chunked body is cut off with 413 ... (the connection is then closed)"):
  // readBody pauses the request and the 413 goes out with "Connection: keep-alive"; the half-read
  // connection then stays open until a timeout. fail() (src/lifecycle.ts) should send
  // "Connection: close" (and close) when the request body was not read to its end (!req.complete).
  test('after a chunked 413 the server closes the connection', { timeout: 5000 }, async () => {
    const server = await serve(chunkedApp())
    const client = await RawClient.open(server.port)
    try {
      await chunkedOverLimit(client)
      assert.ok(await client.until(() => client.responses.length === 1, 2000), 'no 413 within 2 s')
      assert.equal(client.responses[0]?.status, 413)
      assert.equal(client.responses[0]?.headers.connection, 'close')
      assert.ok(
        await client.until(() => client.closed, 2000),
        'the connection is still open 2 s after the 413',
      )
    } finally {
      client.destroy()
      await server.close()
    }
  })

  test('a body shorter than its Content-Length is 400', async () => {
    const res = await inject(bodyApp(), {
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'text/plain', 'content-length': '100' },
      payload: 'hello',
    })
    assert.equal(res.statusCode, 400)
    assert.equal(res.headers['content-type'], PROBLEM)
    assert.deepEqual(res.json(), LENGTH_MISMATCH)
  })

  test('a body longer than its Content-Length is 400', async () => {
    const res = await inject(bodyApp(), {
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'text/plain', 'content-length': '2' },
      payload: 'hello',
    })
    assert.equal(res.statusCode, 400)
    assert.equal(res.headers['content-type'], PROBLEM)
    assert.deepEqual(res.json(), LENGTH_MISMATCH)
  })

  test('on the wire, bytes past the Content-Length get the server a 400 problem, then close', {
    timeout: 5000,
  }, async () => {
    const server = await serve(bodyApp())
    const client = await RawClient.open(server.port)
    try {
      // Node reads 5 bytes of body; the rest is taken as the next request, which is not HTTP.
      client.write(
        'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhelloEXTRA BYTES\r\n\r\n',
      )
      assert.ok(await client.until(() => client.closed, 2000), 'the connection is still open after 2 s')
      const responses = client.responses
      assert.ok(responses.length >= 1, `no complete response in ${JSON.stringify(client.data)}`)
      const last = responses.at(-1) as RawResponse
      assert.equal(last.statusLine, 'HTTP/1.1 400 Bad Request')
      assert.equal(last.headers['content-type'], PROBLEM)
      assert.equal(last.headers.connection, 'close')
      assert.equal(Number(last.headers['content-length']), Buffer.byteLength(last.body))
      assert.deepEqual(JSON.parse(last.body), NOT_HTTP)
    } finally {
      client.destroy()
      await server.close()
    }
  })
})
