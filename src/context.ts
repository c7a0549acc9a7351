import {
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
  validateHeaderName,
  validateHeaderValue,
} from 'node:http'
import type { Readable } from 'node:stream'
import { parseCookie, type SetCookie, stringifySetCookie } from 'cookie'
import { parse as parseQuery } from 'fast-querystring'
import type { Logger } from 'pino'
import type { ClientView } from './http/client-address.ts'
import { newRequestId } from './http/request-id.ts'
import { type EventProducer, type EventStreamOptions, replyWithEvents } from './http/sse.ts'
import type { CompiledRoute } from './route.ts'
import type { Reply, RequestInput } from './types.ts'

/** The value reply helpers return; the pipeline sees the reply is already set. */
export const REPLY: Reply = Object.freeze({ __reply: true })

/** The part of the app a context needs: its logger and how to find the client's address, protocol and host. */
export interface ContextHost {
  readonly log: Logger
  readonly client: ClientView
}

/** A reply body once it is set: a value to serialize, text or bytes, or a stream. */
export type Payload =
  | { kind: 'value'; value: unknown }
  | { kind: 'raw'; value: string | Buffer }
  | { kind: 'stream'; value: Readable }

const redirectStatuses = new Set([300, 301, 302, 303, 307, 308])

function checkStatus(code: number): number {
  if (!Number.isInteger(code) || code < 100 || code > 599) throw new RangeError(`Not an HTTP status: ${code}`)
  return code
}

// Characters a URL may not carry as they are; encoded so a Location never holds CR, LF or spaces.
const UNSAFE_URL_CHARACTERS = /[^\x21-\x7e]|%(?![0-9A-Fa-f]{2})/gu
function encodeUnsafe(character: string): string {
  if (character === '%') return '%25'
  // A lone surrogate cannot be encoded: it becomes U+FFFD.
  return character.length === 1 && character >= '\ud800' && character <= '\udfff'
    ? '%EF%BF%BD'
    : encodeURIComponent(character)
}

/**
 * One request and its reply. Handlers, hooks and middleware read the request from
 * it (`params`, `query`, `headers`, `body`, `cookies`, `ip`) and set the reply with
 * `status`, `header`, `json`, `text`, `send`, `stream` and `redirect`.
 *
 * @example
 * app.get('/hello/:name', {}, (ctx) => ctx.text(`Hello, ${ctx.params.name}`))
 */
export class Context<I extends RequestInput = RequestInput> {
  /** The Node request and response, for what saker does not wrap. */
  readonly req: IncomingMessage
  readonly res: ServerResponse
  readonly method: string
  /** The path without the query string, as sent (not decoded). */
  readonly path: string
  params: I['params']
  headers: I['headers']
  body: I['body']
  /** The reply status; `0` until set (then 200 with a body, 204 without). */
  statusCode = 0
  /** Headers added to the reply, lowercase names. */
  responseHeaders: Record<string, string | number | string[]> | null = null
  /** The reply body, once set. */
  payload: Payload | null = null
  /**
   * The content type a reply helper chose (`text/plain; charset=utf-8` for `text()`);
   * a `content-type` header set with `header()` wins over it.
   */
  contentType: string | undefined = undefined
  /** @internal the compiled route serving this request. */
  readonly route: CompiledRoute
  #host: ContextHost
  #rawQuery: string
  #query: I['query'] | undefined = undefined
  #cookies: Record<string, string | undefined> | undefined = undefined
  #log: Logger | undefined = undefined
  #state: Record<string, unknown> | undefined = undefined
  #id: string | undefined

  constructor(
    host: ContextHost,
    route: CompiledRoute,
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    rawQuery: string,
    params: Record<string, string>,
    id: string | undefined,
  ) {
    this.#host = host
    this.route = route
    this.req = req
    this.res = res
    this.method = req.method as string
    this.path = path
    this.#rawQuery = rawQuery
    this.params = params as I['params']
    this.headers = req.headers as I['headers']
    this.body = undefined as I['body']
    this.#id = id
  }

  /**
   * The request id: the incoming `X-Request-Id` when valid, else a new one (made on first use
   * when replies do not carry it).
   */
  get id(): string {
    if (this.#id === undefined) this.#id = newRequestId()
    return this.#id
  }

  /** The query string parsed (and validated and coerced, when the route has a schema). */
  get query(): I['query'] {
    if (this.#query === undefined) this.#query = parseQuery(this.#rawQuery) as I['query']
    return this.#query
  }

  set query(value: I['query']) {
    this.#query = value
  }

  /** The raw query string, without the `?`. */
  get rawQuery(): string {
    return this.#rawQuery
  }

  /** The cookies of the request, parsed on first use. */
  get cookies(): Record<string, string | undefined> {
    if (this.#cookies === undefined) {
      const header = (this.req.headers as IncomingHttpHeaders).cookie
      this.#cookies = header === undefined ? {} : parseCookie(header)
    }
    return this.#cookies as Record<string, string | undefined>
  }

  /** The client address; proxy headers count only when the app's `trustProxy` allows. */
  get ip(): string | undefined {
    return this.#host.client.address(this.req)
  }

  /** `http` or `https` as the client sent the request; proxy headers count only with `trustProxy`. */
  get protocol(): string {
    return this.#host.client.protocol(this.req)
  }

  /** The host the client asked for (`Host`, with its port if any); proxy headers count only with `trustProxy`. */
  get host(): string | undefined {
    return this.#host.client.host(this.req)
  }

  /** A logger that tags every line with this request's id. */
  get log(): Logger {
    if (this.#log === undefined) this.#log = this.#host.log.child({ reqId: this.id })
    return this.#log
  }

  /** A bag for hooks and middleware to pass data to the handler (e.g. the signed-in user). */
  get state(): Record<string, unknown> {
    if (this.#state === undefined) this.#state = {}
    return this.#state
  }

  /** Whether a reply is set (by a helper or by writing to `res` directly). */
  get replied(): boolean {
    return this.payload !== null || this.res.headersSent
  }

  /** Sets the reply status. */
  status(code: number): this {
    this.statusCode = checkStatus(code)
    return this
  }

  /** Sets a reply header (name case does not matter); an invalid name or value (CR, LF) throws here. */
  header(name: string, value: string | number | string[]): this {
    validateHeaderName(name)
    validateHeaderValue(name, value as string)
    if (this.responseHeaders === null) this.responseHeaders = {}
    this.responseHeaders[name.toLowerCase()] = Array.isArray(value) ? value : String(value)
    return this
  }

  /** Adds a `Set-Cookie` header. */
  cookie(name: string, value: string, options?: Omit<SetCookie, 'name' | 'value'>): this {
    const line = stringifySetCookie({ ...options, name, value })
    const existing = this.responseHeaders?.['set-cookie']
    const lines =
      existing === undefined ? [line] : [...(Array.isArray(existing) ? existing : [String(existing)]), line]
    return this.header('set-cookie', lines)
  }

  /** Replies with a value as JSON, through the route's response schema for the status. */
  json(value: unknown, status?: number): Reply {
    if (status !== undefined) this.statusCode = checkStatus(status)
    this.payload = { kind: 'value', value }
    return REPLY
  }

  /** Replies with text (`text/plain; charset=utf-8` unless a content type is set). */
  text(value: string, status?: number): Reply {
    return this.#raw(value, status, 'text/plain; charset=utf-8')
  }

  /** Replies with an HTML document or fragment (`text/html; charset=utf-8` unless a content type is set). */
  html(value: string, status?: number): Reply {
    return this.#raw(value, status, 'text/html; charset=utf-8')
  }

  /** Replies with a string or bytes as they are (`application/octet-stream` unless a type is set). */
  send(value: string | Buffer, status?: number): Reply {
    return this.#raw(
      value,
      status,
      typeof value === 'string' ? 'text/plain; charset=utf-8' : 'application/octet-stream',
    )
  }

  /** A body sent as it is, with `type` unless a content type is set. */
  #raw(value: string | Buffer, status: number | undefined, type: string): Reply {
    if (status !== undefined) this.statusCode = checkStatus(status)
    this.#defaultType(type)
    this.payload = { kind: 'raw', value }
    return REPLY
  }

  /**
   * Replies with server-sent events (`text/event-stream`) from `producer`: a function given the
   * stream (`send`, `signal`, `lastEventId`), or an iterable of events. See docs/context.md.
   *
   * @example
   * app.get('/feed', {}, (ctx) => ctx.sse(async (stream) => { await stream.send({ event: 'hello', data: { n: 1 } }) }))
   */
  sse(producer: EventProducer, options?: EventStreamOptions): Reply {
    return replyWithEvents(this, producer, options)
  }

  /** Replies with a stream, piped to the client (chunked unless a length is set). */
  stream(value: Readable, contentType = 'application/octet-stream'): Reply {
    this.#defaultType(contentType)
    this.payload = { kind: 'stream', value }
    return REPLY
  }

  /** Redirects to `location` (302 Found unless another 3xx status is given); unsafe characters are percent-encoded. */
  redirect(location: string, status = 302): Reply {
    if (!redirectStatuses.has(status)) throw new RangeError(`Not a redirect status: ${status}`)
    this.header('location', location.replace(UNSAFE_URL_CHARACTERS, encodeUnsafe))
    this.statusCode = status
    this.payload = { kind: 'raw', value: '' }
    return REPLY
  }

  #defaultType(type: string): void {
    // PERF: a field, not a header: the helpers' constant types need no per-request validation.
    if (this.contentType === undefined) this.contentType = type
  }
}
