import { createRequire } from 'node:module'
import secureJson from 'secure-json-parse'
import type { WebSocket, WebSocketServer } from 'ws'
import type { Context } from '../context.ts'
import { asHttpError, HttpError, toProblem } from '../errors.ts'
import { compileValidator, type Validator } from '../schema/validate.ts'
import type { Handler } from '../types.ts'
import { Heartbeat } from './heartbeat.ts'
import type { PubSub } from './pubsub.ts'
import { handling, type SendLimits, ServerWebSocket } from './socket.ts'
import type { WebSocketHandlers, WebSocketRouteOptions } from './types.ts'
import { takeUpgrade } from './upgrade.ts'

// PERF: `ws` loads with the first WebSocket route (synchronously, at registration), so apps
// without one do not pay its ~50 ms at start-up.
let ws: typeof import('ws') | undefined
function loadWs(): typeof import('ws') {
  ws ??= createRequire(import.meta.url)('ws') as typeof import('ws')
  return ws
}

const MiB = 1024 * 1024
const JSON_OPTIONS = { protoAction: 'error', constructorAction: 'error' } as const

/** What a route needs from the app to keep a socket: its pub/sub and its set of open sockets. */
export interface SocketHost {
  readonly pubsub: PubSub
  readonly sockets: Set<ServerWebSocket>
}

/**
 * Builds a WebSocket route's GET handler: it accepts the upgrade (the app's hooks, middleware
 * and schemas have run by then) or answers a plain request 426. Compiled here, once.
 */
export function webSocketHandler(
  options: WebSocketRouteOptions,
  handlers: WebSocketHandlers<any, any>,
): Handler {
  const route = new WebSocketRoute(options, handlers)
  return (ctx) => {
    const pending = takeUpgrade(ctx.req)
    pending.hub.accept(route, ctx, pending)
    return undefined
  }
}

/** One WebSocket route: its handlers, message validator, limits and heartbeat. */
export class WebSocketRoute {
  /** `ws`'s handshake and framing, with this route's payload limit; it listens on no server. */
  readonly server: WebSocketServer
  readonly #handlers: WebSocketHandlers<any, any>
  readonly #validator: Validator | null
  readonly #limits: SendLimits
  readonly #heartbeat: Heartbeat | null

  constructor(options: WebSocketRouteOptions, handlers: WebSocketHandlers<any, any>) {
    this.#handlers = handlers
    this.#validator = options.message === undefined ? null : compileValidator(options.message)
    this.#limits = {
      sendBufferLimit: options.sendBufferLimit ?? MiB,
      slowConsumer: options.slowConsumer ?? 'close',
    }
    const heartbeat = options.heartbeat ?? 30_000
    this.#heartbeat = heartbeat === false ? null : new Heartbeat(heartbeat)
    this.server = new (loadWs().WebSocketServer)({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: options.maxPayload ?? MiB,
    })
  }

  /** Takes an upgraded socket: tracks it, wires its events, runs `open`. */
  open(raw: WebSocket, ctx: Context, host: SocketHost): void {
    const socket = new ServerWebSocket(raw, host.pubsub, this.#limits)
    const fail = (error: unknown) => this.#fail(socket, ctx, error)
    host.sockets.add(socket)
    this.#heartbeat?.add(socket)
    raw.on('message', (data: Buffer, isBinary: boolean) => this.#receive(socket, data, isBinary, ctx, fail))
    raw.on('pong', () => {
      socket.alive = true
    })
    // ws closes the socket itself after a protocol error (1002, 1007, 1009); the error is only logged.
    raw.on('error', (error) => ctx.log.info({ err: error }, 'websocket protocol error'))
    raw.once('close', (code: number, reason: Buffer) => {
      host.sockets.delete(socket)
      this.#heartbeat?.delete(socket)
      socket.unsubscribeAll()
      const { close } = this.#handlers
      if (close === undefined) return
      try {
        settle(close(socket, code, reason.toString(), ctx), fail)
      } catch (error) {
        fail(error)
      }
    })
    const { open } = this.#handlers
    if (open === undefined) return
    const closeFailed = (error: unknown) => {
      ctx.log.error({ err: error }, 'websocket open handler failed')
      // SPEC(RFC 6455 §7.4.1): 1011, the server met an unexpected condition.
      socket.close(1011, 'The server failed to open the connection')
    }
    try {
      settle(open(socket, ctx), closeFailed)
    } catch (error) {
      closeFailed(error)
    }
  }

  #receive(
    socket: ServerWebSocket,
    data: Buffer,
    isBinary: boolean,
    ctx: Context,
    fail: (error: unknown) => void,
  ): void {
    socket.alive = true
    const handler = this.#handlers.message
    if (handler === undefined) return
    let message: unknown
    if (this.#validator === null) {
      if (!isBinary) return this.#receiveText(socket, data, handler, ctx, fail)
      message = data
    } else {
      try {
        message = secureJson.parse(data.toString(), undefined, JSON_OPTIONS)
      } catch {
        socket.send(errorFrame(new HttpError(400, 'The message is not valid JSON.')))
        return
      }
      if (!this.#validator.check(message)) {
        const errors = this.#validator.errors(message, 'body').map(({ path, message }) => ({ path, message }))
        socket.send(errorFrame(new HttpError(422, 'The message has invalid values; see errors.'), errors))
        return
      }
    }
    try {
      settle(handler(socket, message, ctx), fail)
    } catch (error) {
      fail(error)
    }
  }

  #receiveText(
    socket: ServerWebSocket,
    data: Buffer,
    handler: NonNullable<WebSocketHandlers<any, any>['message']>,
    ctx: Context,
    fail: (error: unknown) => void,
  ): void {
    const text = data.toString()
    handling(text, data)
    try {
      settle(handler(socket, text, ctx), fail)
    } catch (error) {
      fail(error)
    } finally {
      handling(undefined, undefined)
    }
  }

  /** A handler failed: the client gets the problem as an error frame; server errors are logged. */
  #fail(socket: ServerWebSocket, ctx: Context, thrown: unknown): void {
    const error = asHttpError(thrown)
    if (error.status >= 500) ctx.log.error({ err: error.cause ?? thrown }, 'websocket handler failed')
    socket.send(errorFrame(error))
  }
}

/** An error frame: `{ "error": problem }`, the problem as HTTP errors have it, with the message's field errors. */
function errorFrame(error: HttpError, errors?: Array<{ path: string; message: string }>): string {
  const problem: Record<string, unknown> = toProblem(error)
  if (errors !== undefined) problem.errors = errors
  return JSON.stringify({ error: problem })
}

interface Thenable {
  then(onFulfilled: undefined, onRejected: (reason: unknown) => void): unknown
}

/** Routes an async handler's rejection to `fail`. */
function settle(result: unknown, fail: (error: unknown) => void): void {
  if (result !== null && typeof result === 'object' && typeof (result as Thenable).then === 'function') {
    ;(result as Thenable).then(undefined, fail)
  }
}
