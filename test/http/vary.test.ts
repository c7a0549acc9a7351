import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Context } from 'saker'
import { appendVary } from '../../src/http/vary.ts'

function varyAfter(existing: string | undefined, ...fields: string[]): unknown {
  const ctx = { responseHeaders: existing === undefined ? null : { vary: existing } } as Context
  for (const field of fields) appendVary(ctx, field)
  return ctx.responseHeaders?.vary
}

test('appendVary names each field once, whatever its case, and keeps what was there', () => {
  assert.equal(varyAfter(undefined, 'Origin'), 'Origin')
  assert.equal(varyAfter(undefined, 'Origin', 'Accept-Encoding'), 'Origin, Accept-Encoding')
  assert.equal(varyAfter('Origin', 'Origin'), 'Origin')
  assert.equal(varyAfter('origin, accept-encoding', 'Accept-Encoding', 'ORIGIN'), 'origin, accept-encoding')
  // a longer field that contains the name is another field
  assert.equal(
    varyAfter('X-Accept-Encoding-Hint', 'Accept-Encoding'),
    'X-Accept-Encoding-Hint, Accept-Encoding',
  )
  assert.equal(varyAfter('*', 'Origin'), '*')
})
