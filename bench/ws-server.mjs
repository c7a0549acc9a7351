// The echo servers of bench/ws.mjs: `saker` (app.ws) or `ws` (the ws package alone). Prints the
// port once listening. saker is the built package (npm run build).
import { WebSocketServer } from 'ws'

const kind = process.argv[2]
if (kind === 'saker') {
  const { saker } = await import('saker')
  const app = saker({ logger: false, openapi: false })
  app.ws('/echo', { message: (socket, data) => socket.send(data) })
  const { port } = await app.listen({ port: 0 })
  console.log(port)
} else {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false })
  server.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }))
  })
  server.on('listening', () => console.log(server.address().port))
}
