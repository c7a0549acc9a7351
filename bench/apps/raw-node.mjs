// Baseline: bare node:http, no framework. Every ratio in the report is relative to this.
import http from 'node:http'

const PLAIN = 'Hello, World!'
const PLAIN_LEN = String(Buffer.byteLength(PLAIN))

const server = http.createServer((req, res) => {
  if (req.url === '/plaintext') {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': PLAIN_LEN, Server: 'node' })
    res.end(PLAIN)
  } else if (req.url === '/json') {
    // Serialize per request, like the frameworks do.
    const body = JSON.stringify({ message: 'Hello, World!' })
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(body),
      Server: 'node',
    })
    res.end(body)
  } else {
    res.writeHead(404, { 'Content-Length': '0', Server: 'node' })
    res.end()
  }
})

server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1')
