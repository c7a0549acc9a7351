// Fastify 5, idiomatic: no logger, response schemas (fast-json-stringify serializers). The
// database tests and the members endpoints use postgres.js (lib/techempower-db.mjs), or with the
// argument `pg`, node-postgres (lib/techempower-db-pg.mjs); both connect on first use.
import Fastify from 'fastify'
import { registerMembers } from './lib/fastify-members.mjs'

// `node bench/apps/fastify.mjs pg` runs the database tests on node-postgres instead.
const driver = process.argv[2] === 'pg' ? './lib/techempower-db-pg.mjs' : './lib/techempower-db.mjs'
const db = await import(driver)
const { cachedWorlds, clampCount, fortunesPage, readWorld, readWorlds, updateWorlds } = db

const app = Fastify({ logger: false })

const World = {
  type: 'object',
  properties: { id: { type: 'integer' }, randomNumber: { type: 'integer' } },
  required: ['id', 'randomNumber'],
}
const Worlds = { type: 'array', items: World }
const Queries = { type: 'object', properties: { queries: { type: 'string' } } }

app.get('/plaintext', (_req, reply) => {
  reply.header('server', 'fastify') // strings default to text/plain
  return 'Hello, World!'
})

app.get(
  '/json',
  {
    schema: {
      response: {
        200: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
      },
    },
  },
  (_req, reply) => {
    reply.header('server', 'fastify')
    return { message: 'Hello, World!' }
  },
)

app.get('/db', { schema: { response: { 200: World } } }, (_req, reply) => {
  reply.header('server', 'fastify')
  return readWorld()
})

app.get('/queries', { schema: { querystring: Queries, response: { 200: Worlds } } }, (req, reply) => {
  reply.header('server', 'fastify')
  return readWorlds(clampCount(req.query.queries))
})

app.get('/updates', { schema: { querystring: Queries, response: { 200: Worlds } } }, (req, reply) => {
  reply.header('server', 'fastify')
  return updateWorlds(clampCount(req.query.queries))
})

const Count = { type: 'object', properties: { count: { type: 'string' } } }
app.get('/cached-queries', { schema: { querystring: Count, response: { 200: Worlds } } }, (req, reply) => {
  reply.header('server', 'fastify')
  return cachedWorlds(clampCount(req.query.count))
})

app.get('/fortunes', (_req, reply) => {
  reply.header('server', 'fastify').type('text/html; charset=utf-8')
  return fortunesPage()
})

registerMembers(app, db)

await app.listen({ port: Number(process.env.PORT ?? 8080), host: '127.0.0.1' })
