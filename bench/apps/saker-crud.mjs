// saker/crud on PostgreSQL, from the dist build: crud(db, benchMembers) at /api/v1/members.
// The table bench_members is created and filled by bench/crud.mjs before the server starts.
import { pgTable, serial, text } from 'drizzle-orm/pg-core'
import { saker } from 'saker'
import { connectDatabase, crud } from 'saker/crud'

// Same columns as the DDL in bench/crud.mjs (id serial primary key).
const benchMembers = pgTable('bench_members', {
  id: serial('id').primaryKey(),
  first_name: text('first_name').notNull(),
  last_name: text('last_name').notNull(),
  email: text('email').notNull().unique(),
})

const db = await connectDatabase({ url: 'postgres://postgres@127.0.0.1:5432/test', pool: { max: 10 } })
const app = saker({ logger: false, openapi: false })
app.mount('/api/v1/members', crud(db, benchMembers))

await app.listen({ port: Number(process.env.PORT ?? 8080), host: '127.0.0.1' })
