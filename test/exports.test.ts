import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { test } from 'node:test'

// The package.json `exports` map is the public API: these tests import through the package
// name, as users do, so an export added, removed or renamed by accident fails here.

test('package.json exports exactly its entry points', async () => {
  const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'))
  assert.equal(manifest.name, 'saker')
  assert.equal(manifest.type, 'module')
  assert.deepEqual(Object.keys(manifest.exports).sort(), [
    '.',
    './cli',
    './crud',
    './middleware',
    './monitoring',
    './package.json',
    './serve',
    './testing',
  ])
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

test("'saker/crud' exports exactly crud, connectDatabase, prepareRead and prepareWrite", async () => {
  const crud = await import('saker/crud')
  assert.deepEqual(Object.keys(crud).sort(), ['connectDatabase', 'crud', 'prepareRead', 'prepareWrite'])
})

test("'saker/cli' exports exactly main, bench and formatReport", async () => {
  const cli = await import('saker/cli')
  assert.deepEqual(Object.keys(cli).sort(), ['bench', 'formatReport', 'main'])
})

test("'saker/middleware' exports exactly the five middleware factories and the CSP default", async () => {
  const middleware = await import('saker/middleware')
  assert.deepEqual(Object.keys(middleware).sort(), [
    'DEFAULT_CSP',
    'compress',
    'cors',
    'rateLimit',
    'securityHeaders',
    'timeout',
  ])
})

test("'saker/monitoring' exports exactly health, databaseCheck and metrics", async () => {
  const monitoring = await import('saker/monitoring')
  assert.deepEqual(Object.keys(monitoring).sort(), ['databaseCheck', 'health', 'metrics'])
})

test("'saker/serve' exports exactly serve, its helpers and the cluster bus", async () => {
  const serve = await import('saker/serve')
  assert.deepEqual(Object.keys(serve).sort(), [
    'answerGather',
    'broadcast',
    'devCertificate',
    'devCertificateDir',
    'gather',
    'loadAppFile',
    'onBroadcast',
    'relayInPrimary',
    'serve',
  ])
})

// The core never imports saker/crud (style guide: imports flow one way).
test('the core does not import saker/crud', async () => {
  const { readdir, readFile: read } = await import('node:fs/promises')
  const files = (await readdir(new URL('../src', import.meta.url), { recursive: true })).filter(
    (file) => file.endsWith('.ts') && !file.startsWith('crud'),
  )
  for (const file of files) {
    const text = await read(new URL(`../src/${file}`, import.meta.url), 'utf8')
    assert.ok(!/from '\.{1,2}\/(\.\.\/)*crud\//.test(text), `${file} imports crud`)
  }
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
