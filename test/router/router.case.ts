import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Router } from '../../src/router/router.ts'

/** The conformance suite every Router implementation must pass. */
export function routerCases(name: string, make: () => Router<string>): void {
  const routes: Array<[string, string]> = [
    ['GET', '/'],
    ['GET', '/members'],
    ['POST', '/members'],
    ['GET', '/members/:id'],
    ['DELETE', '/members/:id'],
    ['GET', '/members/me'],
    ['GET', '/members/:id/posts/:postId'],
    ['GET', '/files/*'],
    ['GET', '/a/:x/c'],
    ['GET', '/a/b/:y'],
  ]
  const build = () => {
    const router = make()
    for (const [method, path] of routes) router.add(method, path, `${method} ${path}`)
    return router
  }

  test(`${name}: static, param and wildcard routes`, () => {
    const router = build()
    const cases: Array<[string, string | null, Record<string, string>]> = [
      ['/', '/', {}],
      ['/members', '/members', {}],
      ['/members/42', '/members/:id', { id: '42' }],
      ['/members/me', '/members/me', {}],
      ['/members/7/posts/9', '/members/:id/posts/:postId', { id: '7', postId: '9' }],
      ['/files/a/b.txt', '/files/*', { '*': 'a/b.txt' }],
      ['/files/', '/files/*', { '*': '' }],
      ['/a/z/c', '/a/:x/c', { x: 'z' }],
      ['/a/b/c', '/a/b/:y', { y: 'c' }],
      ['/members/', null, {}],
      ['/members/42/', null, {}],
      ['/nope', null, {}],
      ['/members/7/posts', null, {}],
    ]
    for (const [path, expected, params] of cases) {
      const found = router.find(path)
      if (expected === null) {
        assert.equal(found, null, path)
        continue
      }
      assert.ok(found, path)
      assert.equal(found.endpoint.path, expected, path)
      assert.deepEqual({ ...found.params }, params, path)
    }
  })

  test(`${name}: static paths of the same length and last character stay apart`, () => {
    const router = make()
    const paths = [
      '/api/v1/members',
      '/api/v2/members',
      '/api/v1/nembers',
      '/api/v1/member',
      '/api/v1/members/',
    ]
    for (const path of paths) router.add('GET', path, path)
    router.add('POST', '/api/v1/members', 'POST')
    for (const path of paths) assert.equal(router.find(path)?.endpoint.methods.get('GET'), path, path)
    assert.equal(router.find('/api/v1/members')?.endpoint.methods.get('POST'), 'POST')
    assert.equal(router.find('/api/v3/members'), null)
    assert.equal(router.find('/api/v1/membersX'), null)
    assert.equal(router.find(''), null)
  })

  test(`${name}: method tables and Allow`, () => {
    const router = build()
    const found = router.find('/members/1')
    assert.ok(found)
    assert.equal(found.endpoint.methods.get('GET'), 'GET /members/:id')
    assert.equal(found.endpoint.methods.get('DELETE'), 'DELETE /members/:id')
    assert.equal(found.endpoint.methods.get('PUT'), undefined)
    assert.equal(found.endpoint.allow, 'DELETE, GET, HEAD, OPTIONS')
  })

  test(`${name}: conflicts are refused at registration`, () => {
    const router = build()
    assert.throws(() => router.add('GET', '/members/:id', 'again'), /already registered/)
    assert.throws(() => router.add('GET', '/members/:name/x', 'other name'), /conflicts/)
    assert.throws(() => router.add('GET', '/x/*/y', 'bad'), /last segment/)
    assert.throws(() => router.add('GET', 'no-slash', 'bad'), /must start with/)
    assert.throws(() => router.add('GET', '/d/:a/:a', 'dup'), /Duplicate param/)
  })

  test(`${name}: long hostile paths are answered quickly and without error`, () => {
    const router = build()
    const path = `/${'a/'.repeat(5000)}`
    assert.equal(router.find(path), null)
    assert.equal(router.find(`/members/${'%'.repeat(10000)}`)?.params.id, '%'.repeat(10000))
  })
}
