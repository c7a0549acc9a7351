/**
 * How a published message reaches every process that may hold subscribers. Two relays: the
 * cluster bus (every worker of this instance) and Redis (every worker of every instance).
 */
import { broadcast, onBroadcast } from '../serve/cluster-bus.ts'

/** A published message on its way: text, or bytes as base64; `except` is the publishing socket. */
export interface Envelope {
  topic: string
  data: string
  binary?: true
  except?: string
}

/** Carries envelopes to every process, this one included, which hands them to `deliver`. */
export interface Relay {
  send(envelope: Envelope): void
  /** Resolves once envelopes sent from anywhere reach this process (never rejects). */
  readonly ready: Promise<void>
  close(): Promise<void>
}

/** Every worker of this instance, over the cluster bus (outside a cluster: this process only). */
export class ClusterRelay implements Relay {
  readonly ready = Promise.resolve()
  readonly #channel: string
  readonly #stop: () => void

  constructor(channel: string, deliver: (envelope: Envelope) => void) {
    this.#channel = channel
    this.#stop = onBroadcast(channel, deliver as (data: unknown) => void)
  }

  send(envelope: Envelope): void {
    broadcast(this.#channel, envelope)
  }

  async close(): Promise<void> {
    this.#stop()
  }
}
