import type { ServerWebSocket } from './socket.ts'

/**
 * Pings a route's sockets every `interval` ms and terminates those that sent nothing (no pong,
 * no message) since the previous ping: a dead peer is gone within two intervals. One timer
 * per route, running only while the route has sockets.
 */
export class Heartbeat {
  readonly #interval: number
  readonly #sockets = new Set<ServerWebSocket>()
  #timer: NodeJS.Timeout | null = null

  constructor(interval: number) {
    this.#interval = interval
  }

  add(socket: ServerWebSocket): void {
    this.#sockets.add(socket)
    if (this.#timer === null) {
      this.#timer = setInterval(this.#beat, this.#interval)
      // NOTE: open sockets keep the server alive; the heartbeat itself must not keep a closed one.
      this.#timer.unref()
    }
  }

  delete(socket: ServerWebSocket): void {
    this.#sockets.delete(socket)
    if (this.#sockets.size === 0 && this.#timer !== null) {
      clearInterval(this.#timer)
      this.#timer = null
    }
  }

  #beat = (): void => {
    for (const socket of this.#sockets) {
      if (!socket.alive) {
        socket.terminate()
        continue
      }
      socket.alive = false
      socket.raw.ping()
    }
  }
}
