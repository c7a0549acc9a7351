// Hono 4 on @hono/node-server, idiomatic handlers. The database tests use postgres.js
// (bench/apps/lib/techempower-db.mjs), connected on first use.
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import {
  cachedWorlds,
  clampCount,
  fortunesPage,
  readWorld,
  readWorlds,
  updateWorlds,
} from './lib/techempower-db.mjs'

const app = new Hono()
const SERVER = { Server: 'hono' }

app.get('/plaintext', (c) => c.text('Hello, World!', 200, SERVER))
app.get('/json', (c) => c.json({ message: 'Hello, World!' }, 200, SERVER))
app.get('/db', async (c) => c.json(await readWorld(), 200, SERVER))
app.get('/queries', async (c) => c.json(await readWorlds(clampCount(c.req.query('queries'))), 200, SERVER))
app.get('/updates', async (c) => c.json(await updateWorlds(clampCount(c.req.query('queries'))), 200, SERVER))
app.get('/cached-queries', async (c) =>
  c.json(await cachedWorlds(clampCount(c.req.query('count'))), 200, SERVER),
)
app.get('/fortunes', async (c) => c.html(await fortunesPage(), 200, SERVER))

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 8080), hostname: '127.0.0.1' })
