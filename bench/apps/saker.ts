// saker: the two standard endpoints plus /mw (3 pass-through middleware + a validated query),
// which the report compares with /json to price the middleware and validation path.
import { type Middleware, saker, t } from 'saker'

const app = saker({ logger: false, openapi: false })
const Message = t.Object({ message: t.String() })

app.get('/plaintext', {}, (ctx) => ctx.text('Hello, World!'))
app.get('/json', { response: { 200: Message } }, () => ({ message: 'Hello, World!' }))

const pass: Middleware = async (_ctx, next) => {
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
