import type { Static, TSchema } from '@sinclair/typebox'
import type { Context } from '../context.ts'
import type { RequestInput, RouteOptions } from '../types.ts'
import type { ServerWebSocket } from './socket.ts'

/** A message as received without a `message` schema: text frames as strings, binary frames as Buffers. */
export type WebSocketData = string | Buffer

/** What a socket does when a send finds its buffer past `sendBufferLimit`: close it (1013), or drop the message. */
export type SlowConsumerPolicy = 'close' | 'drop'

/**
 * Options of `app.ws()`: the upgrade request's schemas, hooks and middleware (as for an HTTP
 * route), then the socket's own limits.
 */
export interface WebSocketRouteOptions
  extends Pick<
    RouteOptions,
    'params' | 'query' | 'headers' | 'summary' | 'description' | 'tags' | 'middleware' | 'hooks'
  > {
  /**
   * Each message is JSON that must match this schema (compiled once): `message` then gets the
   * parsed value. A message that is not JSON, or does not match, is answered with an error frame.
   */
  message?: TSchema
  /** Largest message in bytes; a larger one closes the socket with 1009. Default 1 MiB. */
  maxPayload?: number
  /** Ping every `heartbeat` ms and terminate a peer that did not answer the previous ping. Default 30 s; `false`: never. */
  heartbeat?: number | false
  /** Bytes a socket may have waiting to be sent before `slowConsumer` applies. Default 1 MiB. */
  sendBufferLimit?: number
  /** What a send does past `sendBufferLimit`. Default `'close'`. */
  slowConsumer?: SlowConsumerPolicy
}

/** The type `message` receives: the schema's static type, or raw text and bytes without one. */
export type MessageOf<O extends WebSocketRouteOptions> = O['message'] extends TSchema
  ? Static<O['message']>
  : WebSocketData

/**
 * A WebSocket route's handlers. `ctx` is the upgrade request's context, kept for the socket's
 * life: its params, query, headers, cookies, and the `state` the hooks set (e.g. the user).
 * A handler may be async; what it throws is sent back as an error frame (see docs/websocket.md).
 */
export interface WebSocketHandlers<I extends RequestInput = RequestInput, M = WebSocketData> {
  /** The socket is open. */
  open?: (socket: ServerWebSocket, ctx: Context<I>) => unknown
  /** A message arrived (validated and parsed when the route has a `message` schema). */
  message?: (socket: ServerWebSocket, data: M, ctx: Context<I>) => unknown
  /** The socket closed, by either side (1006: the connection dropped without a close frame). */
  close?: (socket: ServerWebSocket, code: number, reason: string, ctx: Context<I>) => unknown
}
