/**
 * The request lifecycle, in one place. For every request, in this order:
 *
 *  1. route       find the route; unknown path 404, wrong method 405 (with `Allow`), OPTIONS answered
 *  2. onRequest   hooks (app, group, route); a reply ends the request here
 *  3. body        read and parsed by Content-Type (413, 415, 400)
 *  4. validate    params, query, headers, body: coerced, then checked (422 lists every failing field)
 *  5. middleware  `(ctx, next)` (app, group, route), wrapping steps 6 and 7
 *  6. preHandler  hooks; a reply ends the request here
 *  7. handler     its return value is the reply body
 *  8. serialize   with the response schema of the status (JSON.stringify without one)
 *  9. onSend      hooks, which may replace the payload
 * 10. write       status, headers, body
 * 11. onResponse  hooks, after the response is sent (and the access log line)
 *
 * A throw anywhere in 2-9 runs the onError hooks, then replies with a problem+json body.
 * docs/lifecycle.md is written from this list.
 */
import { Buffer } from 'node:buffer'
import type { ServerResponse } from 'node:http'
import { performance } from 'node:perf_hooks'
import { pipeline } from 'node:stream'
import type { Logger } from 'pino'
import { type Context, type ContextHost, REPLY } from './context.ts'
import {
  asHttpError,
  type FieldError,
  HttpError,
  INTERNAL_DETAIL,
  PROBLEM_CONTENT_TYPE,
  toProblem,
} from './errors.ts'
import { hasBody, parseBody, readBody } from './http/body.ts'
import type { CompiledRoute, InputCheck } from './route.ts'

/** What the lifecycle needs from the app. */
export interface Runtime extends ContextHost {
  readonly log: Logger
  /** Development mode: 500 problems carry the stack. */
  readonly dev: boolean
  readonly serverHeader: string | null
  /** Whether replies carry the request id (`X-Request-Id`). */
  readonly requestIds: boolean
  readonly accessLog: boolean
  /** Set while the app closes: replies then close their connection. */
  readonly closing: boolean
}

const contexts = Symbol('saker.context')
const startTimes = Symbol('saker.start')
const runtimes = Symbol('saker.runtime')
type TrackedResponse = ServerResponse & { [contexts]?: Context; [startTimes]?: number; [runtimes]?: Runtime }

interface Thenable {
  then: (onFulfilled: (value: unknown) => unknown, onRejected: (reason: unknown) => unknown) => unknown
}

function isThenable(value: unknown): value is Thenable {
  return value !== null && typeof value === 'object' && typeof (value as Thenable).then === 'function'
}

/** Runs a request on its route; the entry point after routing. */
export function run(runtime: Runtime, ctx: Context): void {
  const route = ctx.route
  if (runtime.accessLog || route.hooks.onResponse.length > 0) track(runtime, ctx)
  if (!route.plain) {
    proceed(runtime, ctx, 0)
    return
  }
  // PERF: the common GET route runs synchronously, with no promise, when its handler is sync.
  let result: unknown
  try {
    checkInput(ctx)
    result = route.handler(ctx)
  } catch (error) {
    void fail(runtime, ctx, error)
    return
  }
  if (isThenable(result)) {
    void settle(runtime, ctx, result)
    return
  }
  keepResult(ctx, result)
  reply(runtime, ctx)
}

async function settle(runtime: Runtime, ctx: Context, pending: Thenable): Promise<void> {
  try {
    keepResult(ctx, await pending)
  } catch (error) {
    return fail(runtime, ctx, error)
  }
  reply(runtime, ctx)
}

/**
 * Steps 2-7 from the `onRequest` hook `firstHook` on.
 *
 * PERF: synchronous for as long as hooks, middleware and handler return plain values (a CORS
 * check, an in-memory rate limit, a sync handler): the first promise moves the rest after it, so
 * a request pays for promises only where something really waits.
 */
function proceed(runtime: Runtime, ctx: Context, firstHook: number): void {
  const route = ctx.route
  const hooks = route.hooks.onRequest
  let pending: Thenable | undefined
  try {
    for (let index = firstHook; index < hooks.length; index++) {
      const result = (hooks[index] as (typeof hooks)[number])(ctx)
      if (isThenable(result)) {
        void resumeAfterHook(runtime, ctx, result, index + 1)
        return
      }
      if (ctx.replied) {
        void reply(runtime, ctx)
        return
      }
    }
    if (route.readsBody && hasBody(ctx.req)) {
      void readBodyAndHandle(runtime, ctx)
      return
    }
    pending = handle(ctx)
  } catch (error) {
    void fail(runtime, ctx, error)
    return
  }
  if (pending === undefined) void reply(runtime, ctx)
  else void replyWhenDone(runtime, ctx, pending)
}

async function resumeAfterHook(
  runtime: Runtime,
  ctx: Context,
  hook: Thenable,
  nextHook: number,
): Promise<void> {
  try {
    await hook
  } catch (error) {
    return fail(runtime, ctx, error)
  }
  if (ctx.replied) return reply(runtime, ctx)
  proceed(runtime, ctx, nextHook)
}

async function readBodyAndHandle(runtime: Runtime, ctx: Context): Promise<void> {
  try {
    const raw = await readBody(ctx.req, ctx.route.bodyLimit)
    ctx.body = parseBody(ctx.req.headers['content-type'], raw)
    await handle(ctx)
  } catch (error) {
    return fail(runtime, ctx, error)
  }
  return reply(runtime, ctx)
}

async function replyWhenDone(runtime: Runtime, ctx: Context, pending: Thenable): Promise<void> {
  try {
    await pending
  } catch (error) {
    return fail(runtime, ctx, error)
  }
  return reply(runtime, ctx)
}

/** Steps 4-7: validation, then middleware around the handler. `undefined` when done synchronously. */
function handle(ctx: Context): Thenable | undefined {
  checkInput(ctx)
  return ctx.route.middleware.length === 0 ? runHandler(ctx, 0) : dispatchMiddleware(ctx, 0, -1)
}

/** Steps 6-7 from the `preHandler` hook `firstHook` on; `undefined` when done synchronously. */
function runHandler(ctx: Context, firstHook: number): Thenable | undefined {
  const hooks = ctx.route.hooks.preHandler
  for (let index = firstHook; index < hooks.length; index++) {
    const result = (hooks[index] as (typeof hooks)[number])(ctx)
    if (isThenable(result)) return resumeAfterPreHandler(ctx, result, index + 1)
    if (ctx.replied) return undefined
  }
  const result = ctx.route.handler(ctx)
  if (isThenable(result)) return keepAwaited(ctx, result)
  keepResult(ctx, result)
  return undefined
}

async function resumeAfterPreHandler(ctx: Context, hook: Thenable, nextHook: number): Promise<void> {
  await hook
  if (!ctx.replied) await runHandler(ctx, nextHook)
}

async function keepAwaited(ctx: Context, pending: Thenable): Promise<void> {
  keepResult(ctx, await pending)
}

/**
 * What `next()` returns when the rest of the chain finished synchronously: one settled promise
 * for every request, so a middleware that returns `next()` keeps the request synchronous.
 */
export const NEXT_DONE: Promise<void> = Promise.resolve()

/**
 * Koa-style dispatch: `next` of middleware `i` runs middleware `i + 1`, the last one the handler.
 * `undefined` when the chain finished synchronously.
 */
function dispatchMiddleware(ctx: Context, index: number, lastCalled: number): Thenable | undefined {
  if (index <= lastCalled) throw new Error('next() was called more than once')
  const middleware = ctx.route.middleware[index]
  if (middleware === undefined) return runHandler(ctx, 0)
  // NOTE: one `next` per middleware and request is the price of `(ctx, next)`; routes without middleware never pay it.
  let called = index
  const next = (): Promise<void> => {
    let rest: Thenable | undefined
    try {
      rest = dispatchMiddleware(ctx, index + 1, called)
    } catch (error) {
      return Promise.reject(error)
    } finally {
      called = index + 1
    }
    return rest === undefined ? NEXT_DONE : (rest as Promise<void>)
  }
  const result = middleware(ctx, next)
  return result === NEXT_DONE || !isThenable(result) ? undefined : result
}

function keepResult(ctx: Context, result: unknown): void {
  if (result === undefined || result === REPLY || ctx.payload !== null) return
  ctx.payload = { kind: 'value', value: result }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value)
}

function checkPart(check: InputCheck, value: unknown, errors: FieldError[]): unknown {
  let input = value
  if (check.coerce !== null && isPlainObject(value)) {
    // PERF: the parsed query and matched params are this request's own and are coerced in place;
    // headers (Node's object) and the shared empty params are copied first.
    input =
      check.in === 'headers' || Object.isFrozen(value) ? check.coerce({ ...value }) : check.coerce(value)
  }
  if (!check.validator.check(input)) errors.push(...check.validator.errors(input, check.in))
  return input
}

/** Step 4: decodes params, then coerces and validates every part with a schema; 422 lists all failures. */
function checkInput(ctx: Context): void {
  const route = ctx.route
  if (route.hasPathParams) decodeParams(ctx.params as Record<string, string>)
  if (!route.hasSchemas) return
  const errors: FieldError[] = []
  if (route.params !== null) ctx.params = checkPart(route.params, ctx.params, errors)
  if (route.query !== null) ctx.query = checkPart(route.query, ctx.query, errors)
  if (route.headers !== null) ctx.headers = checkPart(route.headers, ctx.headers, errors)
  if (route.body !== null) ctx.body = checkPart(route.body, ctx.body, errors)
  if (errors.length > 0) {
    throw new HttpError(422, 'The request has invalid values; see errors.', { errors })
  }
}

function decodeParams(params: Record<string, string>): void {
  for (const name in params) {
    const value = params[name] as string
    if (!value.includes('%')) continue
    try {
      params[name] = decodeURIComponent(value)
    } catch {
      throw new HttpError(400, `The path parameter "${name}" is not valid percent-encoding.`)
    }
  }
}

/** Steps 8-10: serializes the payload, runs onSend hooks and writes the response. */
function reply(runtime: Runtime, ctx: Context): void | Promise<void> {
  const res = ctx.res
  if (res.headersSent) return
  const route = ctx.route
  const payload = ctx.payload
  let status = ctx.statusCode
  let body: string | Buffer | null = null
  let type: string | undefined
  if (payload === null) {
    if (status === 0) status = 204
  } else {
    if (status === 0) status = 200
    if (payload.kind === 'value') {
      try {
        body = serializeValue(route, status, payload.value)
      } catch (error) {
        return fail(runtime, ctx, error)
      }
      type = ctx.contentType ?? 'application/json'
    } else if (payload.kind === 'raw') {
      body = payload.value
      type = ctx.contentType
    } else {
      writeHead(runtime, ctx, status, ctx.contentType, undefined)
      // `pipeline`: a failing source cuts the response short, and a client leaving destroys the source.
      pipeline(payload.value, res, ignoreStreamEnd)
      return
    }
  }
  if (route.hooks.onSend.length > 0) return sendAfterHooks(runtime, ctx, status, body, type)
  write(runtime, ctx, status, body, type)
}

/**
 * Step 8 for a value: JSON through the route's response schema for `status` (`JSON.stringify`
 * without one). Exported for middleware that needs the bytes before they are written (compress).
 */
export function serializeValue(route: CompiledRoute, status: number, value: unknown): string {
  const serialize = status === 200 ? route.okSerializer : route.serializerFor(status)
  try {
    return serialize === null ? (JSON.stringify(value) ?? 'null') : serialize(value)
  } catch (error) {
    throw new HttpError(500, 'The response does not match its schema.', { cause: error })
  }
}

// NOTE: the status line is gone when a stream fails: `pipeline` has destroyed the response, which
// is all there is left to do.
function ignoreStreamEnd(): void {}

/** Step 9 from the `onSend` hook `firstHook` on, synchronously until a hook returns a promise. */
function sendAfterHooks(
  runtime: Runtime,
  ctx: Context,
  status: number,
  body: string | Buffer | null,
  type: string | undefined,
  firstHook = 0,
): void | Promise<void> {
  const hooks = ctx.route.hooks.onSend
  let payload = body
  try {
    for (let index = firstHook; index < hooks.length; index++) {
      const replaced = (hooks[index] as (typeof hooks)[number])(ctx, payload)
      if (isThenable(replaced)) return resumeOnSend(runtime, ctx, status, payload, type, replaced, index + 1)
      if (typeof replaced === 'string' || Buffer.isBuffer(replaced)) payload = replaced
    }
  } catch (error) {
    return fail(runtime, ctx, error)
  }
  write(runtime, ctx, status, payload, type)
}

async function resumeOnSend(
  runtime: Runtime,
  ctx: Context,
  status: number,
  body: string | Buffer | null,
  type: string | undefined,
  hook: Thenable,
  nextHook: number,
): Promise<void> {
  let payload = body
  try {
    const replaced = await hook
    if (typeof replaced === 'string' || Buffer.isBuffer(replaced)) payload = replaced
  } catch (error) {
    return fail(runtime, ctx, error)
  }
  return sendAfterHooks(runtime, ctx, status, payload, type, nextHook)
}

function writeHead(
  runtime: Runtime,
  ctx: Context,
  status: number,
  type: string | undefined,
  length: number | undefined,
): void {
  const own = ctx.responseHeaders
  const server = runtime.serverHeader
  if (own === null && type !== undefined && length !== undefined && server !== null && !runtime.closing) {
    // PERF: the common reply's headers as one flat array literal, validated once by Node: it walks
    // an array without the for-in and own-property checks of an object, and string values only keep
    // its header-character check on V8's fast RegExp path (a number sends every header off it).
    const size = `${length}`
    ctx.res.writeHead(
      status,
      runtime.requestIds
        ? ['content-type', type, 'content-length', size, 'server', server, 'x-request-id', ctx.id]
        : ['content-type', type, 'content-length', size, 'server', server],
    )
    return
  }
  const headers: Record<string, string | number | string[]> = own ?? {}
  if (type !== undefined && headers['content-type'] === undefined) headers['content-type'] = type
  if (length !== undefined) headers['content-length'] = length
  if (server !== null) headers.server = server
  if (runtime.requestIds) headers['x-request-id'] = ctx.id
  if (runtime.closing) headers.connection = 'close'
  // SPEC(RFC 9113 §8.2.2): HTTP/2 has no connection-specific headers (Node warns and drops them).
  if (ctx.req.httpVersionMajor === 2) delete headers.connection
  ctx.res.writeHead(status, headers)
}

function write(
  runtime: Runtime,
  ctx: Context,
  status: number,
  body: string | Buffer | null,
  type: string | undefined,
): void {
  // SPEC(RFC 9110 §8.6): 1xx, 204 and 304 have no body and no Content-Length; every other reply has one.
  const bodiless = status === 204 || status === 304 || status < 200
  const length = bodiless
    ? undefined
    : body === null
      ? 0
      : typeof body === 'string'
        ? Buffer.byteLength(body)
        : body.length
  try {
    writeHead(runtime, ctx, status, body === null ? undefined : type, length)
  } catch (error) {
    writeFailure(runtime, ctx, error)
    return
  }
  // SPEC(RFC 9110 §9.3.2): HEAD gets GET's headers, Content-Length included, and no body.
  ctx.res.end(bodiless || body === null || ctx.method === 'HEAD' ? undefined : body)
}

/** Node refused the reply's status or a header: nothing is sent yet, so answer a bare 500 problem. */
function writeFailure(runtime: Runtime, ctx: Context, thrown: unknown): void {
  runtime.log.error(
    { reqId: ctx.id, err: thrown, method: ctx.method, url: ctx.req.url },
    'reply could not be written',
  )
  const res = ctx.res
  try {
    for (const name of res.getHeaderNames()) res.removeHeader(name)
    const body = JSON.stringify(toProblem(new HttpError(500, INTERNAL_DETAIL), ctx.req.url))
    res.writeHead(500, {
      'content-type': PROBLEM_CONTENT_TYPE,
      'content-length': Buffer.byteLength(body),
      ...(runtime.requestIds ? { 'x-request-id': ctx.id } : undefined),
    })
    res.end(ctx.method === 'HEAD' ? undefined : body)
  } catch {
    res.destroy()
  }
}

/** The error path: log server errors, run onError hooks, reply with a problem (or the hooks' reply). */
async function fail(runtime: Runtime, ctx: Context, thrown: unknown): Promise<void> {
  try {
    await replyWithError(runtime, ctx, thrown)
  } catch (error) {
    // Last resort (e.g. an extension that JSON cannot hold): the server must keep serving.
    writeFailure(runtime, ctx, error)
  }
}

async function replyWithError(runtime: Runtime, ctx: Context, thrown: unknown): Promise<void> {
  const error = asHttpError(thrown)
  if (error.status >= 500) {
    const cause = error.cause ?? thrown
    runtime.log.error({ reqId: ctx.id, err: cause, method: ctx.method, url: ctx.req.url }, 'request failed')
  }
  if (ctx.res.headersSent) {
    ctx.res.destroy()
    return
  }
  // The failed reply is dropped: an onError hook may set its own, else the problem is sent.
  ctx.payload = null
  ctx.contentType = undefined
  ctx.statusCode = 0
  for (const hook of ctx.route.hooks.onError) {
    try {
      const result = hook(ctx, error)
      if (isThenable(result)) await result
    } catch (hookError) {
      runtime.log.error({ reqId: ctx.id, err: hookError }, 'onError hook failed')
    }
  }
  if (ctx.payload === null) setProblem(runtime, ctx, error, thrown)
  else if (ctx.statusCode === 0) ctx.statusCode = error.status
  const headers = ctx.responseHeaders
  if (headers !== null) delete headers['content-length']
  const body = payloadBytes(ctx)
  write(runtime, ctx, ctx.statusCode, body, ctx.contentType)
}

function setProblem(runtime: Runtime, ctx: Context, error: HttpError, thrown: unknown): void {
  const stack = runtime.dev && error.status >= 500 ? ((error.cause ?? thrown) as Error)?.stack : undefined
  ctx.statusCode = error.status
  ctx.header('content-type', PROBLEM_CONTENT_TYPE)
  if (error.headers !== undefined) {
    for (const name in error.headers) ctx.header(name, error.headers[name] as string)
  }
  ctx.payload = { kind: 'raw', value: JSON.stringify(toProblem(error, ctx.req.url, stack)) }
}

function payloadBytes(ctx: Context): string | Buffer | null {
  const payload = ctx.payload
  if (payload === null) return null
  if (payload.kind === 'raw') return payload.value
  if (payload.kind === 'value') {
    ctx.contentType ??= 'application/json'
    return JSON.stringify(payload.value) ?? 'null'
  }
  return null
}

function track(runtime: Runtime, ctx: Context): void {
  const res = ctx.res as TrackedResponse
  res[contexts] = ctx
  res[runtimes] = runtime
  if (runtime.accessLog) res[startTimes] = performance.now()
  res.once('finish', onFinish)
}

// PERF: a module function with the context on the response, so tracking allocates no closure.
function onFinish(this: TrackedResponse): void {
  const ctx = this[contexts] as Context
  const runtime = this[runtimes] as Runtime
  for (const hook of ctx.route.hooks.onResponse) {
    try {
      const result = hook(ctx)
      if (isThenable(result)) (result as unknown as Promise<unknown>).catch(logHookError.bind(runtime))
    } catch (error) {
      logHookError.call(runtime, error)
    }
  }
  if (runtime.accessLog) {
    const responseTime = performance.now() - (this[startTimes] as number)
    runtime.log.info(
      {
        reqId: ctx.id,
        method: ctx.method,
        url: ctx.req.url,
        statusCode: this.statusCode,
        responseTime: Math.round(responseTime * 100) / 100,
      },
      'request completed',
    )
  }
}

function logHookError(this: Runtime, error: unknown): void {
  this.log.error({ err: error }, 'onResponse hook failed')
}
