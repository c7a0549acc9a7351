// The newsletter's members list page and item read, hand-written for Fastify as its users would:
// the page (limit/offset by id) and count(*) in saker/crud's envelope, response schemas, and the
// queries of a driver module (techempower-db.mjs or techempower-db-pg.mjs).
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
const PageQuery = {
  type: 'object',
  properties: {
    page: { type: 'integer', minimum: 1, default: 1 },
    results_per_page: { type: 'integer', minimum: 1, maximum: 100, default: 10 },
  },
}
const MemberParams = { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] }

/** Adds `GET /api/v1/members` and `GET /api/v1/members/:id` on `db`'s `membersPage` and `member`. */
export function registerMembers(app, db) {
  app.get(
    '/api/v1/members',
    { schema: { querystring: PageQuery, response: { 200: Page } } },
    async (req, reply) => {
      const { page, results_per_page: size } = req.query
      const [objects, total] = await db.membersPage(size, (page - 1) * size)
      reply.header('server', 'fastify')
      return { num_results: total, page, total_pages: Math.ceil(total / size), objects }
    },
  )
  app.get(
    '/api/v1/members/:id',
    { schema: { params: MemberParams, response: { 200: Member } } },
    async (req, reply) => {
      const row = await db.member(req.params.id)
      reply.header('server', 'fastify')
      if (!row) return reply.code(404).send({ error: 'NOT_FOUND' })
      return row
    },
  )
}
