import { createServer, type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import { HttpError, PROBLEM_CONTENT_TYPE, toProblem } from '../errors.ts'

/** Server limits; the defaults defeat slowloris and oversized headers. */
export interface ServerLimits {
  /** Time to receive the request headers (ms). Default 10 s. */
  headersTimeout?: number
  /** Time to receive the whole request (ms). Default 30 s. */
  requestTimeout?: number
  /** How long an idle keep-alive connection stays open (ms). Default 5 s. */
  keepAliveTimeout?: number
  /** Largest request head in bytes; larger gets 431. Default 16 KiB. */
  maxHeaderSize?: number
  /** How long `close()` waits for in-flight requests before cutting connections (ms). Default 10 s. */
  closeGrace?: number
}

export const DEFAULT_LIMITS: Required<ServerLimits> = {
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  keepAliveTimeout: 5_000,
  maxHeaderSize: 16 * 1024,
  closeGrace: 10_000,
}

const serverHeader = Symbol('saker.serverHeader')
type NamedServer = Server & { [serverHeader]?: string | null }

const clientErrorStatus: Record<string, number> = {
  HPE_HEADER_OVERFLOW: 431,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
}

/** Answers requests Node could not parse (bad framing, oversized head, timeouts) with a problem+json. */
function onClientError(
  this: Server & { [serverHeader]?: string | null },
  error: Error & { code?: string },
  socket: Socket,
): void {
  const responding = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage
  if (error.code === 'ECONNRESET' || !socket.writable || responding?.headersSent) {
    socket.destroy()
    return
  }
  const status = clientErrorStatus[error.code ?? ''] ?? 400
  const detail = status === 400 ? 'The request is not valid HTTP.' : undefined
  const body = JSON.stringify(toProblem(new HttpError(status, detail)))
  const server = this[serverHeader] ? `Server: ${this[serverHeader]}\r\n` : ''
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nDate: ${new Date().toUTCString()}\r\n${server}Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  )
}

/** Creates a `node:http` server with saker's hardened defaults. */
export function createHttpServer(
  handle: (req: IncomingMessage, res: ServerResponse) => void,
  limits: Required<ServerLimits>,
  serverName: string | null,
): Server {
  const server = createServer(
    {
      maxHeaderSize: limits.maxHeaderSize,
      requestTimeout: limits.requestTimeout,
      headersTimeout: limits.headersTimeout,
      keepAliveTimeout: limits.keepAliveTimeout,
      // NOTE: Node enforces both timeouts on a sweep (30 s apart by default), so it must run more often than they expire.
      connectionsCheckingInterval: Math.max(100, Math.min(limits.headersTimeout, limits.requestTimeout) / 4),
    },
    handle,
  )
  ;(server as NamedServer)[serverHeader] = serverName
  server.on('clientError', onClientError)
  return server
}

/**
 * Stops a server gracefully: no new connections, idle ones (including those that
 * never sent a request) closed now, busy ones once their reply is out, all of them after `grace` ms.
 */
export function closeGracefully(server: Server, sockets: ReadonlySet<Socket>, grace: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()))
  server.closeIdleConnections()
  for (const socket of sockets) {
    if ((socket as Socket & { _httpMessage?: unknown })._httpMessage == null) socket.destroy()
  }
  const timer = setTimeout(() => server.closeAllConnections(), grace)
  return closed.finally(() => clearTimeout(timer))
}

/** Tracks a server's open sockets, for `closeGracefully`. */
export function trackSockets(server: Server): Set<Socket> {
  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  return sockets
}
