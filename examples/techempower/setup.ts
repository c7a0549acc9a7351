/**
 * `npm run techempower:setup`: creates and fills TechEmpower's `world` and `fortune` tables
 * in the database DATABASE_URL names (default the local `test` database).
 */
import { connectDatabase } from 'saker/crud'
import { DATABASE_URL, setupSchema } from './schema.ts'

const db = await connectDatabase({ url: DATABASE_URL })
try {
  await setupSchema(db)
  process.stdout.write('world: 10,000 rows; fortune: 12 rows\n')
} finally {
  await db.close()
}
