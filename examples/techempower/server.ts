/**
 * `npm run techempower`: the TechEmpower implementation on PORT (default 8080), on the
 * PostgreSQL that DATABASE_URL names (default the local `test` database), which must hold
 * TechEmpower's schema (`npm run techempower:setup`).
 */
import { connectDatabase } from 'saker/crud'
import { techempowerApp } from './app.ts'
import { DATABASE_URL } from './schema.ts'

const db = await connectDatabase({ url: DATABASE_URL })
const app = techempowerApp(db)
const port = Number(process.env.PORT ?? 8080)
await app.listen({ port, host: process.env.HOST ?? '127.0.0.1' })
process.stdout.write(`TechEmpower tests on http://127.0.0.1:${port} (database ${db.driver})\n`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app
      .close()
      .then(() => db.close())
      .then(() => process.exit(0))
  })
}
