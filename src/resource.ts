import type { RouteDefinition } from './route.ts'
import type { Handler, HookName, InputOf, Method, RouteOptions } from './types.ts'

/** A resource method with its schemas and metadata, made by `operation()`. */
export interface Operation {
  readonly options: RouteOptions
  readonly handler: Handler
}

const operations = new WeakSet<object>()

/**
 * Declares a resource method with schemas; the handler is typed from them.
 *
 * @example
 * class MemberResource {
 *   onGet = operation({ params: t.Object({ id: t.Integer() }) }, (ctx) => store.get(ctx.params.id))
 * }
 */
export function operation<const O extends RouteOptions>(options: O, handler: Handler<InputOf<O>>): Operation {
  const made = { options, handler: handler as Handler }
  operations.add(made)
  return made
}

/** The responder methods a class resource may have, Falcon-style, and the HTTP method of each. */
export const RESOURCE_METHODS = {
  onGet: 'GET',
  onPost: 'POST',
  onPut: 'PUT',
  onPatch: 'PATCH',
  onDelete: 'DELETE',
  onOptions: 'OPTIONS',
} as const satisfies Record<string, Method>

type ResponderName = keyof typeof RESOURCE_METHODS
type Responder = Operation | Handler

/** A class resource: any object with at least one of `onGet`, `onPost`, `onPut`, `onPatch`, `onDelete`, `onOptions`. */
export type Resource = { [K in ResponderName]?: Responder } & object

/**
 * Maps a resource's responders to route definitions, once, at registration.
 * Plain methods are bound to the resource; `operation()`s bring their options.
 */
export function resourceRoutes(
  path: string,
  resource: Resource,
  shared: RouteOptions = {},
): RouteDefinition[] {
  const definitions: RouteDefinition[] = []
  for (const [name, method] of Object.entries(RESOURCE_METHODS) as Array<[ResponderName, Method]>) {
    const responder = resource[name] as unknown
    if (responder === undefined) continue
    if (typeof responder === 'function') {
      definitions.push({ method, path, options: shared, handler: responder.bind(resource) as Handler })
    } else if (typeof responder === 'object' && responder !== null && operations.has(responder)) {
      const { options, handler } = responder as Operation
      definitions.push({ method, path, options: mergeOptions(shared, options), handler })
    } else {
      throw new TypeError(`${name} of the resource at ${path} must be a method or an operation()`)
    }
  }
  if (definitions.length === 0) {
    throw new TypeError(
      `The resource at ${path} has no responder (${Object.keys(RESOURCE_METHODS).join(', ')})`,
    )
  }
  return definitions
}

function listOf<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value]
}

/** Shared options first, the operation's own after: lists (middleware, each hook) are joined, the rest overridden. */
function mergeOptions(shared: RouteOptions, own: RouteOptions): RouteOptions {
  const hooks: NonNullable<RouteOptions['hooks']> = {}
  for (const name of new Set([
    ...Object.keys(shared.hooks ?? {}),
    ...Object.keys(own.hooks ?? {}),
  ]) as Set<HookName>) {
    ;(hooks as Record<HookName, unknown[]>)[name] = [
      ...listOf(shared.hooks?.[name]),
      ...listOf(own.hooks?.[name]),
    ]
  }
  return {
    ...shared,
    ...own,
    tags: own.tags ?? shared.tags,
    middleware: [...(shared.middleware ?? []), ...(own.middleware ?? [])],
    hooks,
  }
}
