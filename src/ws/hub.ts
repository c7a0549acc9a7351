import { type IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import type { Logger } from 'pino'
import type { Context } from '../context.ts'
import { HttpError } from '../errors.ts'
import { PubSub, type PubSubOptions } from './pubsub.ts'
import type { WebSocketRoute } from './route.ts'
import type { ServerWebSocket } from './socket.ts'
import { type PendingUpgrade, UPGRADE, type UpgradeListener, type UpgradeRequest } from './upgrade.ts'

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void

/**
 * An app's WebSockets: the `upgrade` listener that sends upgrade requests through the app's
 * routes, hooks and middleware, the open sockets, and the pub/sub they share.
 */
export class WebSocketHub {
  readonly pubsub: PubSub
  readonly sockets = new Set<ServerWebSocket>()
  readonly #handle: RequestListener
  #closing = false

  constructor(handle: RequestListener, options: PubSubOptions, log: Logger) {
    this.#handle = handle
    this.pubsub = new PubSub(options, log)
  }

  /**
   * The server's `upgrade` listener. The request runs through the app like any other, on a
   * response written to the socket: an unknown path is a 404, a hook's HttpError its status,
   * and a WebSocket route's handler completes the handshake.
   */
  readonly upgrade: UpgradeListener = (req, socket, head) => {
    // NOTE: Node hands over the socket without its error listener; until ws adds its own, a reset must not crash.
    socket.on('error', destroyOnError)
    ;(req as UpgradeRequest)[UPGRADE] = { socket, head, hub: this }
    const res = new ServerResponse(req)
    // The client may already be sending frames: after a refusal, the connection cannot be reused.
    res.shouldKeepAlive = false
    res.assignSocket(socket as Socket)
    res.once('finish', closeRefused)
    this.#handle(req, res)
  }

  /** Completes the handshake of a WebSocket route's request and hands the socket to the route. */
  accept(route: WebSocketRoute, ctx: Context, pending: PendingUpgrade): void {
    if (this.#closing) throw new HttpError(503, 'The server is shutting down.')
    const { socket, head } = pending
    const res = ctx.res
    res.detachSocket(socket as Socket)
    socket.off('error', destroyOnError)
    route.server.handleUpgrade(ctx.req, socket, head, (raw) => route.open(raw, ctx, this))
    // NOTE: ws wrote the 101 on the socket; a response marked sent keeps the lifecycle from answering,
    // and its 'finish' runs the onResponse hooks and the access log, with status 101.
    res.writeHead(101)
    res.emit('finish')
  }

  /**
   * Refuses new upgrades, closes open sockets with 1001 (Going Away), terminates those still
   * open after `grace` ms, then stops the pub/sub relay.
   */
  async close(grace: number): Promise<void> {
    this.#closing = true
    if (this.sockets.size > 0) {
      const closed = [...this.sockets].map((socket) => {
        const done = new Promise((resolve) => socket.raw.once('close', resolve))
        socket.close(1001, 'The server is shutting down')
        return done
      })
      let timer: NodeJS.Timeout | undefined
      const late = new Promise((resolve) => {
        timer = setTimeout(resolve, grace)
      })
      await Promise.race([Promise.all(closed), late])
      clearTimeout(timer)
      for (const socket of this.sockets) socket.terminate()
    }
    await this.pubsub.close()
  }
}

function destroyOnError(this: Duplex): void {
  this.destroy()
}

/** A refused upgrade's response is out: close the connection. */
function closeRefused(this: ServerResponse): void {
  const socket = this.socket
  if (socket === null) return
  this.detachSocket(socket)
  socket.destroySoon()
}
