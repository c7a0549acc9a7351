import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { sql } from 'drizzle-orm'
import { integer, pgTable, primaryKey, serial, text } from 'drizzle-orm/pg-core'
import { saker } from 'saker'
import { connectDatabase, crud, type Database } from 'saker/crud'
import { inject } from 'saker/testing'

// Keys other than a generated `id`: a natural text key and a composite one (on the embedded PGlite).
const countries = pgTable('countries', { code: text('code').primaryKey(), name: text('name').notNull() })
const memberships = pgTable(
  'memberships',
  {
    member_id: integer('member_id').notNull(),
    list_id: integer('list_id').notNull(),
    role: text('role').notNull(),
  },
  (table) => [primaryKey({ columns: [table.member_id, table.list_id] })],
)

// Keys that differ from their SQL names: errors must name the key clients send.
const accounts = pgTable('accounts', {
  id: serial('id').primaryKey(),
  userName: text('user_name').notNull().unique(),
})

let db: Database
const app = saker({ logger: false })

before(async () => {
  db = await connectDatabase({ url: '', dataDir: 'memory://' })
  await db.drizzle.execute(sql.raw('CREATE TABLE countries (code text PRIMARY KEY, name text NOT NULL)'))
  await db.drizzle.execute(
    sql.raw(
      'CREATE TABLE memberships (member_id integer NOT NULL, list_id integer NOT NULL, role text NOT NULL, PRIMARY KEY (member_id, list_id))',
    ),
  )
  await db.drizzle.execute(
    sql.raw('CREATE TABLE accounts (id serial PRIMARY KEY, user_name text NOT NULL UNIQUE)'),
  )
  app.mount('/accounts', crud(db, accounts))
  app.mount('/countries', crud(db, countries))
  app.mount('/memberships', crud(db, memberships))
})
after(() => db.close())

it('a natural text key is written by the client and addresses the row', async () => {
  const created = await inject(app, {
    method: 'POST',
    url: '/countries',
    payload: { code: 'NO', name: 'Norway' },
  })
  assert.equal(created.statusCode, 201)
  assert.equal(created.headers.location, '/countries/NO')
  assert.deepEqual(created.json(), { code: 'NO', name: 'Norway' })
  assert.deepEqual((await inject(app, '/countries/NO')).json(), { code: 'NO', name: 'Norway' })
  const duplicate = await inject(app, {
    method: 'POST',
    url: '/countries',
    payload: { code: 'NO', name: 'x' },
  })
  assert.equal(duplicate.statusCode, 409)
})

it('a composite key gives one path segment per key column', async () => {
  const created = await inject(app, {
    method: 'POST',
    url: '/memberships',
    payload: { member_id: 1, list_id: 2, role: 'owner' },
  })
  assert.equal(created.statusCode, 201)
  assert.equal(created.headers.location, '/memberships/1/2')
  assert.deepEqual((await inject(app, '/memberships/1/2')).json(), {
    member_id: 1,
    list_id: 2,
    role: 'owner',
  })
  assert.equal((await inject(app, '/memberships/2/1')).statusCode, 404)
  const patched = await inject(app, { method: 'PATCH', url: '/memberships/1/2', payload: { role: 'reader' } })
  assert.deepEqual(patched.json(), { member_id: 1, list_id: 2, role: 'reader' })
  assert.equal((await inject(app, { method: 'DELETE', url: '/memberships/1/2' })).statusCode, 204)
  assert.equal((await inject(app, '/memberships/1/2')).statusCode, 404)
})

it('a unique violation names the field by its key, not its SQL column', async () => {
  const first = await inject(app, { method: 'POST', url: '/accounts', payload: { userName: 'ada' } })
  assert.deepEqual(first.json(), { id: 1, userName: 'ada' })
  const again = await inject(app, { method: 'POST', url: '/accounts', payload: { userName: 'ada' } })
  assert.equal(again.statusCode, 409)
  assert.deepEqual(again.json().errors, [{ in: 'body', path: '/userName', message: 'is already taken' }])
})

it('the generated routes are in the OpenAPI document with their schemas', async () => {
  const document = (await inject(app, '/openapi.json')).json()
  assert.deepEqual(Object.keys(document.paths).sort(), [
    '/accounts',
    '/accounts/{id}',
    '/countries',
    '/countries/{code}',
    '/memberships',
    '/memberships/{member_id}/{list_id}',
  ])
  assert.deepEqual(document.components.schemas.Countries, {
    type: 'object',
    required: ['code', 'name'],
    properties: { code: { type: 'string' }, name: { type: 'string' } },
    additionalProperties: false,
  })
  const post = document.paths['/countries'].post
  assert.deepEqual(post.requestBody.content['application/json'].schema, {
    $ref: '#/components/schemas/CountriesInput',
  })
  assert.deepEqual(Object.keys(post.responses).sort(), ['201', '400', '409', '413', '415', '422', '500'])
})
