import assert from 'node:assert/strict'
import { test } from 'node:test'
import { saker, t } from 'saker'
import { inject } from 'saker/testing'

const Address = t.Object({ city: t.String() }, { $id: 'Address' })

test('a named schema used twice in one response serializes both places', async () => {
  const app = saker({ logger: false, openapi: false })
  const Person = t.Object({ home: Address, work: t.Optional(Address) })
  app.get('/p', { response: { 200: Person } }, () => ({
    home: { city: 'Oslo', zip: '0150' },
    work: { city: 'Bergen' },
    secret: 'x',
  }))
  const res = await inject(app, '/p')
  assert.equal(res.statusCode, 200)
  assert.equal(res.payload, '{"home":{"city":"Oslo"},"work":{"city":"Bergen"}}')
})

test('a recursive schema serializes nested levels', async () => {
  const app = saker({ logger: false, openapi: false })
  const Category = t.Recursive(
    (self) => t.Object({ name: t.String(), children: t.Array(self) }, { additionalProperties: false }),
    { $id: 'Category' },
  )
  app.get('/c', { response: { 200: Category } }, () => ({
    name: 'a',
    hidden: 1,
    children: [{ name: 'b', children: [], hidden: 2 }],
  }))
  const res = await inject(app, '/c')
  assert.equal(res.statusCode, 200)
  assert.equal(res.payload, '{"name":"a","children":[{"name":"b","children":[]}]}')
})

test('the serializer is chosen by exact status, then range, then default', async () => {
  const app = saker({ logger: false, openapi: false })
  const A = t.Object({ a: t.String() })
  const B = t.Object({ b: t.String() })
  const C = t.Object({ c: t.String() })
  app.get('/s/:code', { response: { 201: A, '2XX': B, default: C } }, (ctx) =>
    ctx.json({ a: 'A', b: 'B', c: 'C' }, Number(ctx.params.code)),
  )
  assert.equal((await inject(app, '/s/201')).payload, '{"a":"A"}')
  assert.equal((await inject(app, '/s/202')).payload, '{"b":"B"}')
  assert.equal((await inject(app, '/s/409')).payload, '{"c":"C"}')
})
