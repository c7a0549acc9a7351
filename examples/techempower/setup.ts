/**
 * `npm run techempower:setup`: creates and fills TechEmpower's `world` and `fortune` tables
 * in the database DATABASE_URL names (default the local `test` database).
 */
import { connectDatabase } from 'saker/crud'
import { setupSchema } from './schema.ts'

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const db = await connectDatabase({ url })
try {
  await setupSchema(db)
  process.stdout.write('world: 10,000 rows; fortune: 12 rows\n')
} finally {
  await db.close()
}
