import type { Logger } from 'pino'
import { RedisRelay } from './redis-relay.ts'
import { ClusterRelay, type Envelope, type Relay } from './relay.ts'
import type { ServerWebSocket } from './socket.ts'

/** Options of the app's pub/sub (`saker({ pubsub })`). */
export interface PubSubOptions {
  /**
   * A Redis URL, to reach the subscribers of every instance (default: `REDIS_URL`); `false`
   * to stay within this instance's workers even when `REDIS_URL` is set.
   */
  redis?: string | false
  /** The Redis (and cluster bus) channel; apps that share it share their topics. Default `saker:pubsub`. */
  channel?: string
}

/**
 * Topics and their subscribed sockets, in this process; published messages go through a relay
 * (Redis when configured, else the cluster bus) and come back to every process, which delivers
 * them to its own subscribers. The relay starts on first use.
 */
export class PubSub {
  readonly #topics = new Map<string, Set<ServerWebSocket>>()
  readonly #options: PubSubOptions
  readonly #log: Logger
  #relay: Relay | null = null

  constructor(options: PubSubOptions, log: Logger) {
    this.#options = options
    this.#log = log
  }

  /**
   * Sends `message` to every socket subscribed to `topic`: strings as text, Buffers as binary,
   * anything else as JSON text. `except` is a socket id left out.
   */
  publish(topic: string, message: unknown, except?: string): void {
    const envelope: Envelope = Buffer.isBuffer(message)
      ? { topic, data: message.toString('base64'), binary: true }
      : { topic, data: typeof message === 'string' ? message : JSON.stringify(message) }
    if (except !== undefined) envelope.except = except
    this.#start().send(envelope)
  }

  /** @internal see `ServerWebSocket.subscribe`. */
  subscribe(socket: ServerWebSocket, topic: string): Promise<void> {
    let sockets = this.#topics.get(topic)
    if (sockets === undefined) this.#topics.set(topic, (sockets = new Set()))
    sockets.add(socket)
    return this.#start().ready
  }

  /** @internal see `ServerWebSocket.unsubscribe`. */
  unsubscribe(socket: ServerWebSocket, topic: string): void {
    const sockets = this.#topics.get(topic)
    if (sockets === undefined) return
    sockets.delete(socket)
    if (sockets.size === 0) this.#topics.delete(topic)
  }

  /** How many sockets of this process receive `topic`. */
  subscribers(topic: string): number {
    return this.#topics.get(topic)?.size ?? 0
  }

  /** Resolves once messages published anywhere reach this process (never rejects). */
  ready(): Promise<void> {
    return this.#start().ready
  }

  /** Stops the relay (closes the Redis connections). */
  async close(): Promise<void> {
    const relay = this.#relay
    this.#relay = null
    await relay?.close()
  }

  #start(): Relay {
    if (this.#relay !== null) return this.#relay
    const channel = this.#options.channel ?? 'saker:pubsub'
    const redis = this.#options.redis ?? process.env.REDIS_URL
    this.#relay = redis
      ? new RedisRelay(redis, channel, this.#deliver, this.#log)
      : new ClusterRelay(channel, this.#deliver)
    return this.#relay
  }

  #deliver = (envelope: Envelope): void => {
    const sockets = this.#topics.get(envelope.topic)
    if (sockets === undefined) return
    // PERF: encoded once for all the subscribers.
    const binary = envelope.binary === true
    const bytes = Buffer.from(envelope.data, binary ? 'base64' : 'utf8')
    for (const socket of sockets) {
      if (socket.id !== envelope.except) socket.sendFrame(bytes, binary)
    }
  }
}
