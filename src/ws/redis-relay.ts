import type { Logger } from 'pino'
import { connectRedis, type Redis } from '../redis.ts'
import type { Envelope, Relay } from './relay.ts'

/**
 * Every worker of every instance, over Redis pub/sub: one channel, a connection to publish
 * and one to subscribe (a subscribed connection can do nothing else). Each worker subscribes
 * itself, so the cluster bus is not used: a message reaches each process once.
 */
export class RedisRelay implements Relay {
  readonly ready: Promise<void>
  readonly #channel: string
  readonly #log: Logger
  #publisher: Redis | null = null
  #subscriber: Redis | null = null
  /** Envelopes sent while ioredis is still being imported. */
  #waiting: string[] | null = []

  constructor(url: string, channel: string, deliver: (envelope: Envelope) => void, log: Logger) {
    this.#channel = channel
    this.#log = log
    this.ready = this.#connect(url, deliver)
  }

  async #connect(url: string, deliver: (envelope: Envelope) => void): Promise<void> {
    try {
      const [publisher, subscriber] = await Promise.all([connectRedis(url), connectRedis(url)])
      this.#publisher = publisher
      this.#subscriber = subscriber
      publisher.on('error', this.#onError)
      subscriber.on('error', this.#onError)
      for (const message of this.#waiting ?? []) publisher.publish(this.#channel, message, this.#onPublished)
      this.#waiting = null
      subscriber.on('message', (_channel: string, message: string) => {
        let envelope: Envelope
        try {
          envelope = JSON.parse(message)
        } catch {
          envelope = null as unknown as Envelope
        }
        // Anything on the channel may arrive (another app, redis-cli): only envelopes are delivered.
        if (typeof envelope?.topic !== 'string' || typeof envelope.data !== 'string') {
          return this.#log.warn({ channel: this.#channel }, 'pub/sub: a Redis message is not an envelope')
        }
        deliver(envelope)
      })
      await subscriber.subscribe(this.#channel)
    } catch (error) {
      this.#waiting = null
      this.#onError(error)
    }
  }

  send(envelope: Envelope): void {
    const message = JSON.stringify(envelope)
    if (this.#publisher === null) this.#waiting?.push(message)
    else this.#publisher.publish(this.#channel, message, this.#onPublished)
  }

  async close(): Promise<void> {
    await this.ready
    await Promise.allSettled([this.#publisher?.quit(), this.#subscriber?.quit()])
  }

  // NOTE: ioredis reconnects (and resubscribes) by itself; errors are logged, never thrown at publishers.
  #onError = (error: unknown): void => {
    this.#log.error({ err: error }, 'pub/sub: Redis failed')
  }

  #onPublished = (error?: Error | null): void => {
    if (error) this.#onError(error)
  }
}
