// Express 5, idiomatic handlers. X-Powered-By is replaced by a Server header and ETags are off,
// since no other peer hashes its response bodies.
import express from 'express'

const app = express()
app.disable('x-powered-by')
app.set('etag', false)

app.get('/plaintext', (_req, res) => {
  res.set('Server', 'express').type('text/plain').send('Hello, World!')
})

app.get('/json', (_req, res) => {
  res.set('Server', 'express').json({ message: 'Hello, World!' })
})

app.listen(Number(process.env.PORT ?? 8080), '127.0.0.1')
