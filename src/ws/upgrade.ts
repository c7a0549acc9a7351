import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { HttpError } from '../errors.ts'
import type { WebSocketHub } from './hub.ts'

/** Where an upgrade request carries its socket through the HTTP pipeline. */
export const UPGRADE = Symbol('saker.upgrade')

/** An upgrade request on its way to its route: the socket, the bytes read past the head, and the app's hub. */
export interface PendingUpgrade {
  socket: Duplex
  head: Buffer
  hub: WebSocketHub
}

export type UpgradeRequest = IncomingMessage & { [UPGRADE]?: PendingUpgrade }

/** A server's `upgrade` listener: `server.on('upgrade', app.upgrade)`. */
export type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void

// SPEC(RFC 6455 §4.1): the key is 16 random bytes in base64.
const KEY = /^[+/0-9A-Za-z]{22}==$/

/**
 * The pending upgrade of a WebSocket route's request, once its handshake headers are checked:
 * a plain request is 426, a malformed handshake 400, another protocol version 426.
 */
export function takeUpgrade(req: IncomingMessage): PendingUpgrade {
  const pending = (req as UpgradeRequest)[UPGRADE]
  if (pending === undefined || req.headers.upgrade?.toLowerCase() !== 'websocket') {
    // SPEC(RFC 9110 §15.5.22): a 426 says which protocol to upgrade to (HTTP/1 only: HTTP/2 has no Upgrade).
    const headers = req.httpVersionMajor === 1 ? { upgrade: 'websocket', connection: 'Upgrade' } : undefined
    throw new HttpError(426, 'This path serves WebSocket connections only.', { headers })
  }
  const key = req.headers['sec-websocket-key']
  if (key === undefined || !KEY.test(key)) {
    throw new HttpError(400, 'The Sec-WebSocket-Key header is missing or invalid.')
  }
  const version = req.headers['sec-websocket-version']
  if (version !== '13' && version !== '8') {
    throw new HttpError(426, 'This server speaks WebSocket version 13.', {
      headers: { 'sec-websocket-version': '13' },
    })
  }
  return pending
}
