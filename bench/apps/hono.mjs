// Hono 4 on @hono/node-server, idiomatic handlers.
import { serve } from '@hono/node-server'
import { Hono } from 'hono'

const app = new Hono()

app.get('/plaintext', (c) => c.text('Hello, World!', 200, { Server: 'hono' }))
app.get('/json', (c) => c.json({ message: 'Hello, World!' }, 200, { Server: 'hono' }))

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 8080), hostname: '127.0.0.1' })
