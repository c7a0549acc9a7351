/**
 * `npm start`: the newsletter API on the embedded PGlite (data in ./.data/pglite), or on
 * PostgreSQL when `DATABASE_URL=postgres://...` is set. Creates the tables on first start.
 */
import { connectDatabase } from 'saker/crud'
import { newsletterApp } from './app.ts'
import { createTables } from './schema.ts'

const db = await connectDatabase()
await createTables(db)
const app = newsletterApp(db, { dev: process.env.NODE_ENV !== 'production' })
const port = Number(process.env.PORT ?? 8000)
const host = process.env.HOST ?? '127.0.0.1'
await app.listen({ port, host })
app.log.info(
  { database: db.driver },
  `Newsletter API on http://${host}:${port}/api/v1/members, docs at http://${host}:${port}/docs`,
)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    app.log.info({ signal }, 'closing')
    void app
      .close()
      .then(() => db.close())
      .then(() => process.exit(0))
  })
}
