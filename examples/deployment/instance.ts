/**
 * One of several saker instances behind a load balancer (docs/deployment.md): the newsletter API
 * on the PostgreSQL that DATABASE_URL names, trusting X-Forwarded-* from the proxy on loopback.
 */
import { connectDatabase } from 'saker/crud'
import { newsletterApp } from '../newsletter/app.ts'
import { createTables } from '../newsletter/schema.ts'

const db = await connectDatabase()
await createTables(db)
const app = newsletterApp(db, { trustProxy: ['loopback'], logger: process.env.LOG !== 'off' })
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
