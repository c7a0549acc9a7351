// saker, as users run it in production: the compiled build in dist/ (the package's self-reference
// resolves to it without the `saker-source` condition), started with plain node. The harness runs
// `npm run build` first, and compiles examples/techempower into bench/.build the same way (tsc).
// TechEmpower's tests are that example as it is; /mw (3 pass-through middleware + a validated query) is added
// here, and the report compares it with /json to price the middleware and validation path; so is the
// newsletter's /api/v1/members, crud() over bench_members.
import { pgTable, serial, text } from 'drizzle-orm/pg-core'
import { t } from 'saker'
import { connectDatabase, crud } from 'saker/crud'
import { techempowerApp } from '../.build/examples/techempower/app.js'

// The newsletter's members (bench/lib/members.mjs creates and fills bench_members).
const benchMembers = pgTable('bench_members', {
  id: serial('id').primaryKey(),
  first_name: text('first_name').notNull(),
  last_name: text('last_name').notNull(),
  email: text('email').notNull().unique(),
})

const db = await connectDatabase({
  url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
})
const app = techempowerApp(db)
const Message = t.Object({ message: t.String() })

/** @type {import('saker').Middleware} */
const pass = async (_ctx, next) => {
  await next()
}
app.group('/mw', (g) => {
  g.use(pass)
  g.use(pass)
  g.use(pass)
  g.get(
    '',
    { query: t.Object({ name: t.String({ maxLength: 20 }) }), response: { 200: Message } },
    (ctx) => ({ message: `Hello, ${ctx.query.name}!` }),
  )
})

app.mount('/api/v1/members', crud(db, benchMembers))

await app.listen({ port: Number(process.env.PORT ?? 8080), host: '127.0.0.1' })
