import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { HttpError, saker, t } from 'saker'
import { type SecurityHeadersOptions, securityHeaders } from 'saker/middleware'
import { serve } from 'saker/testing'
import { send } from '../helpers/http-request.ts'

const DEFAULT_POLICY =
  "default-src 'self'; base-uri 'self'; connect-src 'self'; font-src 'self' https: data:; " +
  "form-action 'self'; frame-ancestors 'self'; img-src 'self' data:; object-src 'none'; " +
  "script-src 'self'; script-src-attr 'none'; style-src 'self' https: 'unsafe-inline'"

const DEFAULT_HEADERS = {
  'content-security-policy': DEFAULT_POLICY,
  'x-frame-options': 'SAMEORIGIN',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
  'origin-agent-cluster': '?1',
  'x-dns-prefetch-control': 'off',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
}

const SECURITY_NAMES = [
  ...Object.keys(DEFAULT_HEADERS),
  'strict-transport-security',
  'cross-origin-embedder-policy',
]

/** The security headers of a reply: every name `securityHeaders()` may set, present or not. */
function securityOf(headers: Record<string, unknown>): Record<string, unknown> {
  const found: Record<string, unknown> = {}
  for (const name of SECURITY_NAMES) if (headers[name] !== undefined) found[name] = headers[name]
  return found
}

async function headersFor(options: SecurityHeadersOptions | undefined, path = '/ok') {
  const app = saker({ logger: false })
  app.use(securityHeaders(options))
  app.get('/ok', {}, () => ({ ok: true }))
  app.get('/fail', {}, () => {
    throw new HttpError(403, 'No.')
  })
  app.get('/framed', {}, (ctx) => {
    ctx.header('x-frame-options', 'DENY')
    return { ok: true }
  })
  const server = await serve(app)
  try {
    const res = await send(server.port, path)
    return { status: res.status, headers: securityOf(res.headers) }
  } finally {
    await server.close()
  }
}

describe('securityHeaders()', () => {
  test('the defaults: no HSTS, no COEP, a CSP that lets /docs run', async () => {
    assert.deepEqual((await headersFor(undefined)).headers, DEFAULT_HEADERS)
  })

  test('errors, 404s, the docs page and the OpenAPI document get them too', async () => {
    for (const path of ['/fail', '/missing', '/docs/', '/docs/swagger-initializer.js', '/openapi.json']) {
      const res = await headersFor(undefined, path)
      assert.deepEqual(res.headers, DEFAULT_HEADERS, path)
    }
  })

  test('a handler can override one with ctx.header()', async () => {
    const res = await headersFor(undefined, '/framed')
    assert.deepEqual(res.headers, { ...DEFAULT_HEADERS, 'x-frame-options': 'DENY' })
  })

  test('each header can be changed or turned off', async () => {
    const res = await headersFor({
      contentSecurityPolicy: {
        'img-src': ["'self'", 'https://cdn.example.com'],
        'script-src-attr': null,
        'upgrade-insecure-requests': '',
      },
      strictTransportSecurity: true,
      xFrameOptions: 'DENY',
      referrerPolicy: 'strict-origin-when-cross-origin',
      crossOriginOpenerPolicy: false,
      crossOriginResourcePolicy: 'cross-origin',
      crossOriginEmbedderPolicy: 'require-corp',
      xContentTypeOptions: false,
      originAgentCluster: false,
      xDnsPrefetchControl: false,
      xPermittedCrossDomainPolicies: false,
      xXssProtection: false,
    })
    assert.deepEqual(res.headers, {
      'content-security-policy': DEFAULT_POLICY.replace(
        "img-src 'self' data:",
        "img-src 'self' https://cdn.example.com",
      )
        .replace("; script-src-attr 'none'", '')
        .concat('; upgrade-insecure-requests'),
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'x-frame-options': 'DENY',
      'referrer-policy': 'strict-origin-when-cross-origin',
      'cross-origin-resource-policy': 'cross-origin',
      'cross-origin-embedder-policy': 'require-corp',
    })
  })

  test('HSTS options and whole-policy strings', async () => {
    const res = await headersFor({
      contentSecurityPolicy: "default-src 'none'",
      strictTransportSecurity: { maxAge: 600, includeSubDomains: false, preload: true },
    })
    assert.equal(res.headers['content-security-policy'], "default-src 'none'")
    assert.equal(res.headers['strict-transport-security'], 'max-age=600; preload')
    const off = await headersFor({ contentSecurityPolicy: false })
    assert.equal(off.headers['content-security-policy'], undefined)
  })

  test('invalid values throw in the factory', () => {
    assert.throws(() => securityHeaders({ referrerPolicy: 'a\r\nb' }), /Invalid character/)
    assert.throws(() => securityHeaders({ strictTransportSecurity: { maxAge: 1.5 } }), /maxAge/)
  })
})

describe('securityHeaders() as an onRequest hook', () => {
  test('validation errors get them too', async () => {
    const app = saker({ logger: false })
    app.addHook('onRequest', securityHeaders())
    app.get('/members/:id', { params: t.Object({ id: t.Integer() }) }, () => ({ ok: true }))
    const server = await serve(app)
    try {
      const res = await send(server.port, '/members/abc')
      assert.equal(res.status, 422)
      assert.deepEqual(securityOf(res.headers), DEFAULT_HEADERS)
      const ok = await send(server.port, '/members/1')
      assert.equal(ok.status, 200)
      assert.deepEqual(securityOf(ok.headers), DEFAULT_HEADERS)
    } finally {
      await server.close()
    }
  })
})
