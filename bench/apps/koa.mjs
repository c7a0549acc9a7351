// Koa 3 with @koa/router, idiomatic middleware-style handlers. The database tests use postgres.js
// (bench/apps/lib/techempower-db.mjs), connected on first use.
import Router from '@koa/router'
import Koa from 'koa'
import {
  cachedWorlds,
  clampCount,
  fortunesPage,
  readWorld,
  readWorlds,
  updateWorlds,
} from './lib/techempower-db.mjs'

const app = new Koa()
const router = new Router()

app.use((ctx, next) => {
  ctx.set('Server', 'koa')
  return next()
})

router.get('/plaintext', (ctx) => {
  ctx.body = 'Hello, World!' // a string is text/plain
})
router.get('/json', (ctx) => {
  ctx.body = { message: 'Hello, World!' } // an object is JSON
})
router.get('/db', async (ctx) => {
  ctx.body = await readWorld()
})
router.get('/queries', async (ctx) => {
  ctx.body = await readWorlds(clampCount(ctx.query.queries))
})
router.get('/updates', async (ctx) => {
  ctx.body = await updateWorlds(clampCount(ctx.query.queries))
})
router.get('/cached-queries', async (ctx) => {
  ctx.body = await cachedWorlds(clampCount(ctx.query.count))
})
router.get('/fortunes', async (ctx) => {
  ctx.type = 'text/html; charset=utf-8'
  ctx.body = await fortunesPage()
})

app.use(router.routes())
app.listen(Number(process.env.PORT ?? 8080), '127.0.0.1')
