// saker, as users run it in production: the compiled build in dist/ (the package's self-reference
// resolves to it without the `saker-source` condition), started with plain `node`. The harness runs
// `npm run build` first. The two standard endpoints plus /mw (3 pass-through middleware + a validated
// query), which the report compares with /json to price the middleware and validation path.
import { saker, t } from 'saker'

const app = saker({ logger: false, openapi: false })
const Message = t.Object({ message: t.String() })

app.get('/plaintext', {}, (ctx) => ctx.text('Hello, World!'))
app.get('/json', { response: { 200: Message } }, () => ({ message: 'Hello, World!' }))

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

await app.listen({ port: Number(process.env.PORT ?? 8080), host: '127.0.0.1' })
