// Fastify 5, hand-written against the same table with the same driver (postgres.js, pool max 10):
// the page (limit/offset ordered by id) plus count(*), in saker/crud's envelope, with a response schema.
import Fastify from 'fastify'
import postgres from 'postgres'

const sql = postgres('postgres://postgres@127.0.0.1:5432/test', { max: 10 })
const app = Fastify({ logger: false })

const Member = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    first_name: { type: 'string' },
    last_name: { type: 'string' },
    email: { type: 'string' },
  },
  required: ['id', 'first_name', 'last_name', 'email'],
}
const Page = {
  type: 'object',
  properties: {
    num_results: { type: 'integer' },
    page: { type: 'integer' },
    total_pages: { type: 'integer' },
    objects: { type: 'array', items: Member },
  },
  required: ['num_results', 'page', 'total_pages', 'objects'],
}

app.get(
  '/api/v1/members',
  {
    schema: {
      querystring: {
        type: 'object',
        properties: {
          page: { type: 'integer', minimum: 1, default: 1 },
          results_per_page: { type: 'integer', minimum: 1, maximum: 100, default: 10 },
        },
      },
      response: { 200: Page },
    },
  },
  async (req, reply) => {
    const { page, results_per_page: size } = req.query
    const [objects, [{ total }]] = await Promise.all([
      sql`select id, first_name, last_name, email from bench_members order by id limit ${size} offset ${(page - 1) * size}`,
      sql`select count(*)::int as total from bench_members`,
    ])
    reply.header('server', 'fastify')
    return { num_results: total, page, total_pages: Math.ceil(total / size), objects }
  },
)

app.get(
  '/api/v1/members/:id',
  {
    schema: {
      params: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] },
      response: { 200: Member },
    },
  },
  async (req, reply) => {
    const [row] =
      await sql`select id, first_name, last_name, email from bench_members where id = ${req.params.id}`
    reply.header('server', 'fastify')
    if (!row) return reply.code(404).send({ error: 'NOT_FOUND' })
    return row
  },
)

await app.listen({ port: Number(process.env.PORT ?? 8080), host: '127.0.0.1' })
