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

const clientErrorStatus: Record<string, number> = {
  HPE_HEADER_OVERFLOW: 431,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
}

/** Answers requests Node could not parse (bad framing, oversized head, timeouts) with a problem+json. */
function onClientError(error: Error & { code?: string }, socket: Socket): void {
  const responding = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage
  if (error.code === 'ECONNRESET' || !socket.writable || responding?.headersSent) {
    socket.destroy()
    return
  }
  const status = clientErrorStatus[error.code ?? ''] ?? 400
  const detail = status === 400 ? 'The request is not valid HTTP.' : undefined
  const body = JSON.stringify(toProblem(new HttpError(status, detail)))
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  )
}

/** Creates a `node:http` server with saker's hardened defaults. */
export function createHttpServer(
  handle: (req: IncomingMessage, res: ServerResponse) => void,
  limits: Required<ServerLimits>,
): Server {
  const server = createServer(
    { maxHeaderSize: limits.maxHeaderSize, requestTimeout: limits.requestTimeout },
    handle,
  )
  server.headersTimeout = limits.headersTimeout
  server.keepAliveTimeout = limits.keepAliveTimeout
  server.on('clientError', onClientError)
  return server
}
