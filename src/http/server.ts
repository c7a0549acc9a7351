import { createServer, type IncomingMessage, Server, type ServerResponse, STATUS_CODES } from 'node:http'
import { createSecureServer, type Http2SecureServer, type ServerHttp2Session } from 'node:http2'
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https'
import { Server as NetServer, type Socket } from 'node:net'
import type { TLSSocket } from 'node:tls'
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

/** A certificate chain and its private key, PEM encoded, to serve HTTPS. */
export interface TlsOptions {
  cert: string | Buffer
  key: string | Buffer
}

/** The server `listen()` starts: node:http, node:https with TLS, or node:http2 (HTTP/1.1 too) with TLS and `http2`. */
export type NodeServer = Server | HttpsServer | Http2SecureServer

/** An open connection: an HTTP/1 socket or an HTTP/2 session. */
export type Connection = Socket | ServerHttp2Session

const serverHeader = Symbol('saker.serverHeader')
type NamedServer = NodeServer & { [serverHeader]?: string | null }

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

/**
 * Creates a `node:http` server with saker's hardened defaults; with `tls`, a `node:https` one, and
 * with `http2` too, a `node:http2` one that also serves HTTP/1.1 clients (chosen by ALPN).
 */
export function createHttpServer(
  handle: (req: IncomingMessage, res: ServerResponse) => void,
  limits: Required<ServerLimits>,
  serverName: string | null,
  tls?: TlsOptions,
  http2 = false,
): NodeServer {
  const options = {
    maxHeaderSize: limits.maxHeaderSize,
    requestTimeout: limits.requestTimeout,
    headersTimeout: limits.headersTimeout,
    keepAliveTimeout: limits.keepAliveTimeout,
    // NOTE: Node enforces both timeouts on a sweep (30 s apart by default), so it must run more often than they expire.
    connectionsCheckingInterval: Math.max(100, Math.min(limits.headersTimeout, limits.requestTimeout) / 4),
  }
  let server: NodeServer
  if (tls === undefined) server = createServer(options, handle)
  else if (!http2) server = createHttpsServer({ ...options, ...tls }, handle)
  else {
    // The HTTP/2 compatibility API hands the same (req, res) pair to the same listener.
    const h2 = createSecureServer(
      { ...tls, allowHTTP1: true, settings: { maxHeaderListSize: limits.maxHeaderSize } },
      handle as unknown as (req: unknown, res: unknown) => void,
    )
    // NOTE: the HTTP/1.1 connections of an HTTP/2 server read these as an http.Server does.
    Object.assign(h2, {
      requestTimeout: options.requestTimeout,
      headersTimeout: options.headersTimeout,
      keepAliveTimeout: options.keepAliveTimeout,
    })
    server = h2
  }
  ;(server as NamedServer)[serverHeader] = serverName
  server.on('clientError', onClientError)
  return server
}

/**
 * Stops a server gracefully: no new connections; busy ones closed once their reply is out, idle
 * ones (including those that never sent a request) after a short drain, all of them after `grace` ms;
 * HTTP/2 sessions finish their open streams.
 */
export function closeGracefully(
  server: NodeServer,
  connections: ReadonlySet<Connection>,
  grace: number,
): Promise<void> {
  // NOTE: net's close, not http's: http's also cuts idle keep-alive connections at once, and a busy
  // client may be sending its next request on one right then (it would get a reset).
  const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()))
  for (const connection of connections) {
    // An HTTP/2 session sends GOAWAY: its open streams finish, new ones are refused.
    if (isSession(connection)) connection.close()
  }
  // Meanwhile busy connections get their next reply with `Connection: close`; those still idle after this are cut.
  const drain = setTimeout(() => {
    for (const connection of connections) {
      if (
        !isSession(connection) &&
        (connection as Socket & { _httpMessage?: unknown })._httpMessage == null
      ) {
        connection.destroy()
      }
    }
  }, IDLE_DRAIN_MS)
  const timer = setTimeout(() => {
    for (const connection of connections) connection.destroy()
  }, grace)
  return closed.finally(() => {
    clearTimeout(drain)
    clearTimeout(timer)
  })
}

/** How long a closing server lets idle keep-alive connections bring one more request (ms). */
const IDLE_DRAIN_MS = 250

function isSession(connection: Connection): connection is ServerHttp2Session {
  return 'goaway' in connection
}

/** Tracks a server's open connections, for `closeGracefully`. */
export function trackConnections(server: NodeServer): Set<Connection> {
  const connections = new Set<Connection>()
  const track = (connection: Connection) => {
    connections.add(connection)
    connection.once('close', () => connections.delete(connection))
  }
  if (server instanceof Server) server.on('connection', track)
  else {
    // NOTE: under TLS, the request lives on the TLS socket, not on the TCP one 'connection' gives.
    server.on('secureConnection', (socket: TLSSocket) => {
      if (socket.alpnProtocol !== 'h2') track(socket)
    })
    server.on('session', track)
  }
  return connections
}
