import type { IncomingHttpHeaders } from 'node:http'
import type { Static, TSchema } from '@sinclair/typebox'
import type { Context } from './context.ts'
import type { HttpError } from './errors.ts'

/** The HTTP methods a route can be registered for. */
export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS'

/** A response status as a number (`200`), a range (`'4XX'`) or `'default'`, as in OpenAPI. */
export type StatusKey = number | `${1 | 2 | 3 | 4 | 5}XX` | 'default'

/** The schemas of a route; each is compiled once, when the app starts. */
export interface RouteSchemas {
  params?: TSchema
  query?: TSchema
  headers?: TSchema
  body?: TSchema
  /** One schema per status: the reply is serialized with it, and only its fields are sent. */
  response?: { [status in StatusKey]?: TSchema }
}

/** What `(ctx, next)` middleware receives as `next`: runs the rest of the chain. */
export type Next = () => Promise<void>

/**
 * Middleware wraps everything after validation: the rest of the chain, pre-handler
 * hooks and the handler. Calling `next()` runs them; not calling it ends the request.
 *
 * @example
 * const timing: Middleware = async (ctx, next) => { const t0 = performance.now(); await next(); ctx.header('server-timing', `app;dur=${performance.now() - t0}`) }
 */
export type Middleware = (ctx: Context<any>, next: Next) => unknown

type AnyContext = Context<any>

/** The lifecycle hooks; `src/lifecycle.ts` is where their order is defined. */
export interface Hooks {
  /** After routing, before the body is read. May reply to stop the request. */
  onRequest: (ctx: AnyContext) => unknown
  /** After validation and middleware, just before the handler. May reply to stop the request. */
  preHandler: (ctx: AnyContext) => unknown
  /** Before the reply is written; may return a replacement payload. */
  onSend: (ctx: AnyContext, payload: string | Buffer | null) => unknown
  /** After the reply was sent; for logging and metrics. Its errors are logged, not sent. */
  onResponse: (ctx: AnyContext) => unknown
  /** When the request fails; may reply (e.g. `ctx.json(...)`) to replace the problem response. */
  onError: (ctx: AnyContext, error: HttpError) => unknown
}

export type HookName = keyof Hooks

/** The hooks of a scope or route, each a list run in the order added. */
export type HookLists = { [K in HookName]: Array<Hooks[K]> }

/** Route options: schemas, OpenAPI metadata and per-route behaviour. */
export interface RouteOptions extends RouteSchemas {
  summary?: string
  description?: string
  tags?: string[]
  operationId?: string
  deprecated?: boolean
  /** Leave the route out of the OpenAPI document. */
  hidden?: boolean
  /** Maximum request body size in bytes (default: the app's, 1 MiB). */
  bodyLimit?: number
  /** Middleware for this route only, run after the app's and group's. */
  middleware?: Middleware[]
  /** Hooks for this route only, run after the app's and group's. */
  hooks?: { [K in HookName]?: Hooks[K] | Array<Hooks[K]> }
}

type Trim<S extends string> = S extends `${infer Name}/${string}` ? Name : S

/** The params a path declares: `'/members/:id'` gives `{ id: string }`. */
export type PathParams<P extends string> = string extends P
  ? Record<string, string>
  : P extends `${string}:${infer Rest}`
    ? { [K in Trim<Rest>]: string } & PathParams<Rest extends `${string}/${infer Tail}` ? `/${Tail}` : ''>
    : P extends `${string}*`
      ? { '*': string }
      : Record<never, never>

type Flatten<T> = { [K in keyof T]: T[K] }

/** The typed request parts a handler gets, from its schemas (or defaults without one). */
export interface RequestInput {
  params: unknown
  query: unknown
  headers: unknown
  body: unknown
  response: unknown
}

type SuccessStatus = 200 | 201 | 202 | 203 | 206 | '2XX' | 'default'

type ResponseValue<R> = R extends { [status: string | number]: TSchema | undefined }
  ? {
      [K in keyof R]: K extends SuccessStatus ? (R[K] extends TSchema ? Static<R[K]> : never) : never
    }[keyof R]
  : unknown

/** Derives a handler's input types from its route options and path. */
export interface InputOf<O extends RouteSchemas, P extends string = string> extends RequestInput {
  params: O['params'] extends TSchema ? Static<O['params']> : Flatten<PathParams<P>>
  query: O['query'] extends TSchema ? Static<O['query']> : Record<string, string | string[] | undefined>
  headers: O['headers'] extends TSchema ? Static<O['headers']> & IncomingHttpHeaders : IncomingHttpHeaders
  body: O['body'] extends TSchema ? Static<O['body']> : unknown
  response: [ResponseValue<O['response']>] extends [never] ? unknown : ResponseValue<O['response']>
}

/** The marker reply helpers return: the reply is set, the handler returns it as is. */
export interface Reply {
  readonly __reply: true
}

/**
 * A route handler. Return a value to send it as JSON (through the response schema),
 * return a reply helper's result, or throw an `HttpError`.
 */
export type Handler<I extends RequestInput = RequestInput> = (
  ctx: Context<I>,
) => I['response'] | Reply | undefined | Promise<I['response'] | Reply | undefined>
