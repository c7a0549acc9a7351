import type { TSchema } from '@sinclair/typebox'
import type { FieldError } from './errors.ts'
import { type Coercer, compileCoercer } from './schema/coerce.ts'
import { compileSerializer, type Serializer } from './schema/serialize.ts'
import { compileValidator, type Validator } from './schema/validate.ts'
import type { Handler, HookLists, HookName, Method, Middleware, RouteOptions } from './types.ts'

/** A route as registered: what `app.get(...)` and resources record until the app starts. */
export interface RouteDefinition {
  method: Method
  path: string
  options: RouteOptions
  handler: Handler
}

/** A schema for one request part, compiled: coercion (for URL and header strings) and validation. */
export interface InputCheck {
  in: FieldError['in']
  coerce: Coercer | null
  validator: Validator
}

/**
 * A route compiled at startup: validators, serializers, the merged hook and
 * middleware lists, and the flags the lifecycle branches on. A request only reads it.
 */
export interface CompiledRoute {
  readonly method: string
  /** The full path, prefix included, in saker's syntax (`/api/v1/members/:id`). */
  readonly path: string
  readonly options: RouteOptions
  readonly handler: Handler
  readonly params: InputCheck | null
  readonly query: InputCheck | null
  readonly headers: InputCheck | null
  readonly body: InputCheck | null
  readonly hooks: HookLists
  readonly middleware: Middleware[]
  readonly bodyLimit: number
  /** Whether the path has `:params` or `*` to decode. */
  readonly hasPathParams: boolean
  /** Whether any request part has a schema to check. */
  readonly hasSchemas: boolean
  /** Whether the body is read before the handler (POST, PUT, PATCH, and DELETE with a body schema). */
  readonly readsBody: boolean
  /** PERF: nothing asynchronous before the handler, so the request can run synchronously. */
  readonly plain: boolean
  serializerFor(status: number): Serializer | null
  /** PERF: `serializerFor(200)`, looked up once. */
  readonly okSerializer: Serializer | null
}

/** The hooks and middleware a route inherits from its app and groups, outermost first. */
export interface Inherited {
  hooks: HookLists
  middleware: Middleware[]
  bodyLimit: number
}

export function emptyHooks(): HookLists {
  return { onRequest: [], preHandler: [], onSend: [], onResponse: [], onError: [] }
}

function compileInput(schema: TSchema | undefined, location: FieldError['in']): InputCheck | null {
  if (schema === undefined) return null
  const coerce = compileCoercer(schema, location !== 'body')
  return { in: location, coerce, validator: compileValidator(schema) }
}

function compileSerializers(response: RouteOptions['response']): (status: number) => Serializer | null {
  const byStatus = new Map<number, Serializer>()
  const byClass = new Map<number, Serializer>()
  let fallback: Serializer | null = null
  for (const [key, schema] of Object.entries(response ?? {})) {
    if (schema === undefined) continue
    const serializer = compileSerializer(schema)
    if (key === 'default') fallback = serializer
    else if (/^[1-5]XX$/.test(key)) byClass.set(Number(key[0]), serializer)
    else byStatus.set(Number(key), serializer)
  }
  return (status) => byStatus.get(status) ?? byClass.get((status / 100) | 0) ?? fallback
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH'])

/** Compiles a route definition under the hooks and middleware it inherits. Runs once per route at startup. */
export function compileRoute(
  definition: RouteDefinition,
  fullPath: string,
  inherited: Inherited,
): CompiledRoute {
  const { options } = definition
  const hooks = emptyHooks()
  for (const name of Object.keys(hooks) as HookName[]) {
    const own = options.hooks?.[name]
    const list = [...inherited.hooks[name], ...(own === undefined ? [] : Array.isArray(own) ? own : [own])]
    ;(hooks as Record<HookName, unknown[]>)[name] = list
  }
  const middleware = [...inherited.middleware, ...(options.middleware ?? [])]
  const readsBody =
    BODY_METHODS.has(definition.method) || (definition.method === 'DELETE' && options.body !== undefined)
  const params = compileInput(options.params, 'params')
  const query = compileInput(options.query, 'query')
  const headers = compileInput(options.headers, 'headers')
  const body = compileInput(options.body, 'body')
  const serializerFor = compileSerializers(options.response)
  return {
    method: definition.method,
    path: fullPath,
    options,
    handler: definition.handler,
    params,
    query,
    headers,
    body,
    hasPathParams: fullPath.includes('/:') || fullPath.includes('*'),
    hasSchemas: params !== null || query !== null || headers !== null || body !== null,
    hooks,
    middleware,
    bodyLimit: options.bodyLimit ?? inherited.bodyLimit,
    readsBody,
    plain:
      !readsBody &&
      middleware.length === 0 &&
      hooks.onRequest.length === 0 &&
      hooks.preHandler.length === 0 &&
      hooks.onSend.length === 0,
    serializerFor,
    okSerializer: serializerFor(200),
  }
}
