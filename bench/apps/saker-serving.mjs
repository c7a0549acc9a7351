// The app of bench/serving.mjs, served by `saker serve`: GET /json, and with MIDDLEWARE=1 the
// traffic middleware a public API would add in front of it (CORS, compression, a rate limit).
import { saker, t } from 'saker'
import { compress, cors, rateLimit } from 'saker/middleware'

const app = saker({ logger: false, openapi: false })
if (process.env.MIDDLEWARE === '1') {
  app.addHook('onRequest', cors({ origin: ['https://app.example.com'] }))
  // One client sends every request here: a limit it never reaches, still counted on each request.
  app.addHook('onRequest', rateLimit({ limit: 1e9, window: 60_000, redis: false }))
  app.use(compress())
}
app.get('/json', { response: { 200: t.Object({ message: t.String() }) } }, () => ({
  message: 'Hello, World!',
}))

export default app
