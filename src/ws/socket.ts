import { randomBytes } from 'node:crypto'
import type { WebSocket } from 'ws'
import type { PubSub } from './pubsub.ts'
import type { SlowConsumerPolicy } from './types.ts'

// SPEC(WHATWG WebSockets): readyState 1 is OPEN.
const OPEN = 1
const TEXT = { binary: false } as const
const BINARY = { binary: true } as const

// The text message a handler is running for, and the bytes it arrived as (see `send`).
let handledText: string | undefined
let handledBytes: Buffer | undefined

/** @internal marks the text message whose handler runs now; `undefined` once it returns. */
export function handling(text: string | undefined, bytes: Buffer | undefined): void {
  handledText = text
  handledBytes = bytes
}
// A random per-process prefix and a counter: unique across workers and instances, for `publish`'s "not me".
const ID_PREFIX = randomBytes(6).toString('base64url')
let socketCount = 0

/** How much a socket may buffer, and what happens past it. */
export interface SendLimits {
  sendBufferLimit: number
  slowConsumer: SlowConsumerPolicy
}

/**
 * One open WebSocket, server side: send to it, subscribe it to topics, close it. The `ws`
 * socket underneath is `raw`, for what saker does not wrap.
 *
 * @example
 * app.ws('/chat/:room', {}, {
 *   open: (socket, ctx) => socket.subscribe(`room:${ctx.params.room}`),
 *   message: (socket, text, ctx) => socket.publish(`room:${ctx.params.room}`, text),
 * })
 */
export class ServerWebSocket {
  /** Unique across workers and instances. */
  readonly id: string
  /** The `ws` package's socket. */
  readonly raw: WebSocket
  /** @internal heard from since the last heartbeat ping. */
  alive = true
  readonly #pubsub: PubSub
  readonly #limits: SendLimits
  #topics: Set<string> | null = null
  /** Closed, its topics left: a later `subscribe` (an async handler finishing late) must not hold it. */
  #gone = false

  constructor(raw: WebSocket, pubsub: PubSub, limits: SendLimits) {
    socketCount++
    this.id = `${ID_PREFIX}-${socketCount.toString(36)}`
    this.raw = raw
    this.#pubsub = pubsub
    this.#limits = limits
  }

  /** Bytes queued and not yet written to the network. */
  get bufferedAmount(): number {
    return this.raw.bufferedAmount
  }

  /** Whether messages can be sent (the socket is open, not closing). */
  get isOpen(): boolean {
    return this.raw.readyState === OPEN
  }

  /**
   * Sends a text (string) or binary (Buffer) message. Returns `false` when it was not sent:
   * the socket is no longer open, or its buffer is past `sendBufferLimit` (then, with
   * `slowConsumer: 'close'`, the socket is closed with 1013).
   */
  send(data: string | Buffer): boolean {
    if (typeof data !== 'string') return this.sendFrame(data, true)
    // PERF: the text of the message being handled, sent back or relayed, goes as the bytes it came in.
    return this.sendFrame(data === handledText ? (handledBytes as Buffer) : Buffer.from(data), false)
  }

  /**
   * @internal sends `bytes` as one text or binary message, within the send limits (see `send`).
   * Text goes as bytes: `ws` would write a string as a chunk of its own, which costs the socket's
   * write more than encoding it here.
   */
  sendFrame(bytes: Buffer, binary: boolean): boolean {
    const raw = this.raw
    if (raw.readyState !== OPEN) return false
    if (raw.bufferedAmount > this.#limits.sendBufferLimit) {
      if (this.#limits.slowConsumer === 'close') raw.close(1013, 'The client reads too slowly')
      return false
    }
    raw.send(bytes, binary ? BINARY : TEXT)
    return true
  }

  /** Sends `value` as a JSON text message; see `send`. */
  json(value: unknown): boolean {
    return this.send(JSON.stringify(value))
  }

  /** Starts the closing handshake (1000 unless another code is given). */
  close(code = 1000, reason?: string): void {
    this.raw.close(code, reason)
  }

  /** Drops the connection at once, without a closing handshake. */
  terminate(): void {
    this.raw.terminate()
  }

  /**
   * Receives what is published to `topic`, from any worker or instance. The promise (which
   * never rejects) resolves once deliveries from other instances are set up too.
   */
  subscribe(topic: string): Promise<void> {
    if (this.#gone) return Promise.resolve()
    if (this.#topics === null) this.#topics = new Set()
    this.#topics.add(topic)
    return this.#pubsub.subscribe(this, topic)
  }

  /** Stops receiving `topic`. */
  unsubscribe(topic: string): void {
    if (this.#topics?.delete(topic)) this.#pubsub.unsubscribe(this, topic)
  }

  /** Whether the socket receives `topic`. */
  isSubscribed(topic: string): boolean {
    return this.#topics?.has(topic) ?? false
  }

  /** The topics the socket receives. */
  get topics(): ReadonlySet<string> {
    return this.#topics ?? new Set()
  }

  /** Publishes to every subscriber of `topic` but this socket; see `app.publish`. */
  publish(topic: string, message: unknown): void {
    this.#pubsub.publish(topic, message, this.id)
  }

  /** @internal leaves every topic, once the socket is closed. */
  unsubscribeAll(): void {
    this.#gone = true
    if (this.#topics === null) return
    for (const topic of this.#topics) this.#pubsub.unsubscribe(this, topic)
    this.#topics = null
  }
}
