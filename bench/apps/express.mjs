// Express 5, idiomatic handlers. X-Powered-By is replaced by a Server header and ETags are off,
// since no other peer hashes its response bodies. The database tests use postgres.js
// (bench/apps/lib/techempower-db.mjs), connected on first use.
import express from 'express'
import {
  cachedWorlds,
  clampCount,
  fortunesPage,
  readWorld,
  readWorlds,
  updateWorlds,
} from './lib/techempower-db.mjs'

const app = express()
app.disable('x-powered-by')
app.set('etag', false)

app.get('/plaintext', (_req, res) => {
  res.set('Server', 'express').type('text/plain').send('Hello, World!')
})

app.get('/json', (_req, res) => {
  res.set('Server', 'express').json({ message: 'Hello, World!' })
})

// Express 5 passes a rejected promise on to its error handler.
app.get('/db', async (_req, res) => {
  res.set('Server', 'express').json(await readWorld())
})

app.get('/queries', async (req, res) => {
  res.set('Server', 'express').json(await readWorlds(clampCount(req.query.queries)))
})

app.get('/updates', async (req, res) => {
  res.set('Server', 'express').json(await updateWorlds(clampCount(req.query.queries)))
})

app.get('/cached-queries', async (req, res) => {
  res.set('Server', 'express').json(await cachedWorlds(clampCount(req.query.count)))
})

app.get('/fortunes', async (_req, res) => {
  res
    .set('Server', 'express')
    .type('text/html; charset=utf-8')
    .send(await fortunesPage())
})

app.listen(Number(process.env.PORT ?? 8080), '127.0.0.1')
