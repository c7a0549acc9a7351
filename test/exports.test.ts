import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { test } from 'node:test'

// The package.json `exports` map is the public API: these tests import through the package
// name, as users do, so an export added, removed or renamed by accident fails here.

test('package.json exports exactly ".", "./testing" and "./package.json"', async () => {
  const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'))
  assert.equal(manifest.name, 'saker')
  assert.equal(manifest.type, 'module')
  assert.deepEqual(Object.keys(manifest.exports).sort(), ['.', './package.json', './testing'])
})

test("'saker' exports exactly the public runtime API", async () => {
  const saker = await import('saker')
  assert.deepEqual(Object.keys(saker).sort(), [
    'Context',
    'ErrorCodes',
    'HttpError',
    'ProblemSchema',
    'Saker',
    'Scope',
    'operation',
    'saker',
    't',
  ])
  assert.equal(typeof saker.saker, 'function')
  assert.ok(saker.saker({ logger: false }) instanceof saker.Saker)
  assert.ok(saker.saker({ logger: false }) instanceof saker.Scope)
  assert.ok(new saker.HttpError(404) instanceof Error)
  assert.equal(typeof saker.t.Object, 'function')
  assert.equal(saker.ErrorCodes[422], 'VALIDATION_FAILED')
})

test("'saker/testing' exports exactly inject and serve", async () => {
  const testing = await import('saker/testing')
  assert.deepEqual(Object.keys(testing).sort(), ['inject', 'serve'])
  assert.equal(typeof testing.inject, 'function')
  assert.equal(typeof testing.serve, 'function')
})

test("'saker/testing' works on the app class 'saker' exports", async () => {
  const { saker } = await import('saker')
  const { inject } = await import('saker/testing')
  const app = saker({ logger: false })
  app.get('/ping', {}, () => ({ pong: true }))
  const res = await inject(app, '/ping')
  assert.equal(res.statusCode, 200)
  assert.deepEqual(res.json(), { pong: true })
})

test('internal modules are not importable through the package name', async () => {
  for (const specifier of ['saker/src/app.ts', 'saker/src/index.ts', 'saker/app', 'saker/dist/index.js']) {
    await assert.rejects(import(specifier), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' }, specifier)
  }
})
