/**
 * Server-sent events (`ctx.sse()`): a `text/event-stream` reply fed by a producer, with
 * heartbeat comments, and the producer told (its `signal` aborted) when the client leaves.
 */
import { PassThrough } from 'node:stream'
import type { Context } from '../context.ts'
import type { Reply } from '../types.ts'

/** One event; `ctx.sse()` producers send these, or a bare string (an event with only `data`). */
export interface ServerSentEvent {
  /** The payload: a string as is (one `data:` line per line), anything else as JSON. */
  data?: unknown
  /** The event type; the client's `addEventListener(event)` receives it (default `message`). */
  event?: string
  /** Kept by the client, and sent back as `Last-Event-ID` when it reconnects. */
  id?: string | number
  /** How long the client waits before reconnecting, in ms. */
  retry?: number
}

/** Options of `ctx.sse()`. */
export interface EventStreamOptions {
  /** A comment every `heartbeat` ms keeps proxies from closing an idle stream. Default 15 s; `false`: none. */
  heartbeat?: number | false
  /** Sent first: how long the client waits before reconnecting, in ms. */
  retry?: number
}

/** What `ctx.sse()` streams: a function given the stream, or an iterable (sync or async) of events. */
export type EventProducer =
  | ((stream: EventStream) => unknown)
  | AsyncIterable<ServerSentEvent | string>
  | Iterable<ServerSentEvent | string>

const RESOLVED = Promise.resolve()
// SPEC(WHATWG HTML §9.2.6): a field ends at CR or LF, and an id with NUL is ignored; they cannot be sent.
const FIELD_BREAK = /[\r\n\0]/
const LINE_BREAK = /\r\n|\r|\n/g

function field(name: string, value: string): string {
  if (FIELD_BREAK.test(value)) throw new TypeError(`An event's ${name} cannot hold CR, LF or NUL`)
  return `${name}: ${value}\n`
}

/** An event in the wire format, blank line included. */
export function formatEvent(event: ServerSentEvent | string): string {
  if (typeof event === 'string') return `data: ${event.replace(LINE_BREAK, '\ndata: ')}\n\n`
  let text = ''
  if (event.event !== undefined) text += field('event', event.event)
  if (event.id !== undefined) text += field('id', String(event.id))
  if (event.retry !== undefined) text += `retry: ${Math.max(0, Math.trunc(event.retry))}\n`
  if (event.data !== undefined) {
    const data = typeof event.data === 'string' ? event.data : JSON.stringify(event.data)
    text += `data: ${data.replace(LINE_BREAK, '\ndata: ')}\n`
  }
  return `${text}\n`
}

/**
 * The producer's side of an event stream.
 *
 * @example
 * app.get('/ticks', {}, (ctx) => ctx.sse(async (stream) => {
 *   for (let n = 1; !stream.signal.aborted; n++) {
 *     await stream.send({ event: 'tick', id: n, data: { n } })
 *     await setTimeout(1000)
 *   }
 * }))
 */
export class EventStream {
  /** Aborted once the stream is over: the client left, or the producer finished. */
  readonly signal: AbortSignal
  /** The `Last-Event-ID` the client reconnected with, to resume after it. */
  readonly lastEventId: string | undefined
  readonly #out: PassThrough
  #drained: Promise<void> | null = null

  constructor(out: PassThrough, signal: AbortSignal, lastEventId: string | undefined) {
    this.#out = out
    this.signal = signal
    this.lastEventId = lastEventId
  }

  /** Sends an event; resolves at once, or once the client caught up when its buffer is full. */
  send(event: ServerSentEvent | string): Promise<void> {
    if (this.signal.aborted) return RESOLVED
    return this.#out.write(formatEvent(event)) ? RESOLVED : this.#drain()
  }

  /** Sends a comment line, which clients ignore. */
  comment(text = ''): void {
    if (this.signal.aborted) return
    if (FIELD_BREAK.test(text)) throw new TypeError('A comment cannot hold CR, LF or NUL')
    this.#out.write(`:${text}\n\n`)
  }

  #drain(): Promise<void> {
    if (this.#drained === null) {
      this.#drained = new Promise((resolve) => {
        const done = () => {
          this.#drained = null
          this.#out.off('drain', done).off('close', done)
          resolve()
        }
        this.#out.once('drain', done).once('close', done)
      })
    }
    return this.#drained
  }
}

/** `ctx.sse()`: sets the headers, starts the producer and replies with the stream. */
export function replyWithEvents(
  ctx: Context,
  producer: EventProducer,
  options: EventStreamOptions = {},
): Reply {
  const out = new PassThrough()
  const stopped = new AbortController()
  const lastEventId = ctx.req.headers['last-event-id']
  const stream = new EventStream(
    out,
    stopped.signal,
    typeof lastEventId === 'string' ? lastEventId : undefined,
  )
  const heartbeat = options.heartbeat ?? 15_000
  const timer = heartbeat === false ? null : setInterval(() => stream.comment(), heartbeat).unref()
  const stop = () => {
    if (timer !== null) clearInterval(timer)
    stopped.abort()
    out.destroy()
  }
  // 'close' comes when the response is done, or when the client left before; if it came already
  // (the client left while a hook ran), the producer starts stopped.
  if (ctx.res.closed) stop()
  else ctx.res.once('close', stop)
  // An empty comment first, so the headers go out before the first event.
  out.write(options.retry === undefined ? ':\n\n' : `retry: ${Math.trunc(options.retry)}\n\n`)
  void produce(ctx, producer, stream).then(() => {
    if (timer !== null) clearInterval(timer)
    if (!out.destroyed) out.end()
  })
  ctx.header('cache-control', 'no-cache')
  // NOTE: nginx buffers responses unless told otherwise, which would hold events back.
  ctx.header('x-accel-buffering', 'no')
  if (ctx.req.httpVersionMajor === 1) ctx.header('connection', 'keep-alive')
  return ctx.stream(out, 'text/event-stream')
}

async function produce(ctx: Context, producer: EventProducer, stream: EventStream): Promise<void> {
  try {
    if (typeof producer === 'function') {
      await producer(stream)
      return
    }
    for await (const event of producer) {
      if (stream.signal.aborted) break
      await stream.send(event)
    }
  } catch (error) {
    // The status line is out: the stream can only end.
    ctx.log.error({ err: error }, 'event stream producer failed')
  }
}
