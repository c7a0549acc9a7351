// Fastify 5, idiomatic: no logger, response schema on /json (fast-json-stringify serializer).
import Fastify from 'fastify'

const app = Fastify({ logger: false })

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

await app.listen({ port: Number(process.env.PORT ?? 8080), host: '127.0.0.1' })
