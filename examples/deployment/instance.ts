/**
 * One of several saker instances behind a load balancer (docs/deployment.md): the newsletter API
 * on the PostgreSQL that DATABASE_URL names, sharing Redis (REDIS_URL) with the other instances
 * for rate limits and pub/sub, and trusting X-Forwarded-* from the proxy on loopback.
 */
import { connectDatabase } from 'saker/crud'
import { rateLimit } from 'saker/middleware'
import { databaseCheck, health } from 'saker/monitoring'
import { newsletterApp } from '../newsletter/app.ts'
import { createTables } from '../newsletter/schema.ts'

// Apps sharing one Redis keep apart by prefixing their keys and channel.
const namespace = process.env.REDIS_NAMESPACE ?? 'newsletter'

const db = await connectDatabase()
await createTables(db)
const app = newsletterApp(db, {
  trustProxy: ['loopback'],
  logger: process.env.LOG !== 'off',
  pubsub: { channel: `${namespace}:pubsub` },
})

// Writes are limited per client across every instance (counted in Redis when REDIS_URL is set).
app.addHook(
  'onRequest',
  rateLimit({
    limit: Number(process.env.WRITE_LIMIT ?? 60),
    window: 60_000,
    key: (ctx) => (ctx.method === 'GET' || ctx.method === 'HEAD' ? undefined : ctx.ip),
    prefix: `${namespace}:rate-limit:`,
  }),
)

// GET /healthz and /readyz for the load balancer; /readyz fails while the database is down.
health(app, { checks: { database: databaseCheck(db) } })

// Live clients hear of every row created, through whichever instance it was created; the first
// message tells them they are subscribed everywhere (Redis included), so nothing after it is missed.
app.ws('/api/v1/live', {
  open: async (socket) => {
    await socket.subscribe('created')
    socket.json({ subscribed: 'created' })
  },
})
app.addHook('onResponse', (ctx) => {
  if (ctx.res.statusCode === 201) app.publish('created', { location: ctx.responseHeaders?.location })
})

const port = Number(process.env.PORT ?? 8001)
await app.listen({ port, host: '127.0.0.1' })
process.stdout.write(`listening on ${port}\n`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app
      .close()
      .then(() => db.close())
      .then(() => process.exit(0))
  })
}
