import { type Resource, resourceRoutes } from './resource.ts'
import type { RouteDefinition } from './route.ts'
import { type StaticOptions, staticHandler } from './static/serve-static.ts'
import type { Handler, HookName, Hooks, InputOf, Method, Middleware, RouteOptions } from './types.ts'
import { webSocketHandler } from './ws/route.ts'
import type { MessageOf, WebSocketData, WebSocketHandlers, WebSocketRouteOptions } from './ws/types.ts'

/** A scope nested in another, with the prefix it is mounted at. */
export interface MountedScope {
  prefix: string
  scope: Scope
}

/**
 * Routes with shared middleware and hooks under a prefix: the app itself, a
 * `group()`, or another app `mount()`ed at a prefix. Nothing is compiled here;
 * the app compiles every scope once, when it starts.
 *
 * @example
 * app.group('/api/v1', (v1) => {
 *   v1.use(auth)
 *   v1.get('/members', {}, listMembers)
 * })
 */
export class Scope {
  /** @internal */ readonly routes: RouteDefinition[] = []
  /** @internal */ readonly children: MountedScope[] = []
  /** @internal */ readonly middleware: Middleware[] = []
  /** @internal */ readonly hooks: { [K in HookName]: Array<Hooks[K]> } = {
    onRequest: [],
    preHandler: [],
    onSend: [],
    onResponse: [],
    onError: [],
  }

  /** Registers a GET route; HEAD requests are answered from it without a body. */
  get<const P extends string, const O extends RouteOptions>(
    path: P,
    options: O,
    handler: Handler<InputOf<O, P>>,
  ): this {
    return this.#add('GET', path, options, handler as Handler)
  }

  /** Registers a POST route. */
  post<const P extends string, const O extends RouteOptions>(
    path: P,
    options: O,
    handler: Handler<InputOf<O, P>>,
  ): this {
    return this.#add('POST', path, options, handler as Handler)
  }

  /** Registers a PUT route. */
  put<const P extends string, const O extends RouteOptions>(
    path: P,
    options: O,
    handler: Handler<InputOf<O, P>>,
  ): this {
    return this.#add('PUT', path, options, handler as Handler)
  }

  /** Registers a PATCH route. */
  patch<const P extends string, const O extends RouteOptions>(
    path: P,
    options: O,
    handler: Handler<InputOf<O, P>>,
  ): this {
    return this.#add('PATCH', path, options, handler as Handler)
  }

  /** Registers a DELETE route. */
  delete<const P extends string, const O extends RouteOptions>(
    path: P,
    options: O,
    handler: Handler<InputOf<O, P>>,
  ): this {
    return this.#add('DELETE', path, options, handler as Handler)
  }

  /** Registers a HEAD route (only needed to answer HEAD differently from GET). */
  head<const P extends string, const O extends RouteOptions>(
    path: P,
    options: O,
    handler: Handler<InputOf<O, P>>,
  ): this {
    return this.#add('HEAD', path, options, handler as Handler)
  }

  /** Registers an OPTIONS route (without one, OPTIONS answers 204 with `Allow`). */
  options<const P extends string, const O extends RouteOptions>(
    path: P,
    options: O,
    handler: Handler<InputOf<O, P>>,
  ): this {
    return this.#add('OPTIONS', path, options, handler as Handler)
  }

  /** Registers a route for any method, e.g. one computed at runtime. */
  on<const P extends string, const O extends RouteOptions>(
    method: Method,
    path: P,
    options: O,
    handler: Handler<InputOf<O, P>>,
  ): this {
    return this.#add(method, path, options, handler as Handler)
  }

  /**
   * Registers a class resource: its `onGet`, `onPost`, ... methods become routes,
   * mapped once here. `shared` options (tags, middleware, ...) apply to each.
   */
  route(path: string, resource: Resource, shared?: RouteOptions): this {
    this.#assertOpen()
    this.routes.push(...resourceRoutes(path, resource, shared))
    return this
  }

  /**
   * Serves the files under the directory `root` at `prefix` (`/assets/app.js` is `<root>/app.js`),
   * streamed, with caching validators, byte ranges and precompressed siblings. Nothing outside
   * `root` is ever served. Left out of the OpenAPI document; see docs/static.md.
   *
   * @example
   * app.static('/assets', './public', { maxAge: 3600 })
   */
  static(prefix: string, root: string, options?: StaticOptions): this {
    if (prefix !== '/' && (!prefix.startsWith('/') || prefix.endsWith('/'))) {
      throw new Error(`A static prefix is "/" or starts with "/" and does not end with one: "${prefix}"`)
    }
    const path = prefix === '/' ? '/*' : `${prefix}/*`
    return this.#add('GET', path, { hidden: true }, staticHandler(root, options))
  }

  /**
   * Registers a WebSocket route: upgrade requests to `path` run the hooks, middleware and
   * schemas of an HTTP GET route (so a hook's 401 refuses the upgrade), then the socket is
   * served by `handlers`. A plain GET is answered 426. See docs/websocket.md.
   *
   * @example
   * app.ws('/echo', { message: (socket, text) => socket.send(text) })
   * app.ws('/rooms/:room', { message: t.Object({ text: t.String() }) }, {
   *   open: (socket, ctx) => socket.subscribe(ctx.params.room),
   *   message: (socket, { text }, ctx) => app.publish(ctx.params.room, { text }),
   * })
   */
  ws<const P extends string>(path: P, handlers: WebSocketHandlers<InputOf<{}, P>, WebSocketData>): this
  ws<const P extends string, const O extends WebSocketRouteOptions>(
    path: P,
    options: O,
    handlers: WebSocketHandlers<InputOf<O, P>, MessageOf<O>>,
  ): this
  ws(path: string, second: object, third?: object): this {
    const options = (third === undefined ? {} : second) as WebSocketRouteOptions
    const handlers = (third ?? second) as WebSocketHandlers<any, any>
    return this.#add('GET', path, { ...options, hidden: true }, webSocketHandler(options, handlers))
  }

  /** Adds `(ctx, next)` middleware to every route of this scope and the scopes inside it. */
  use(...middleware: Middleware[]): this {
    this.#assertOpen()
    this.middleware.push(...middleware)
    return this
  }

  /** Adds a lifecycle hook to every route of this scope and the scopes inside it. */
  addHook<K extends HookName>(name: K, hook: Hooks[K]): this {
    this.#assertOpen()
    if (!(name in this.hooks)) throw new TypeError(`Unknown hook "${name}"`)
    this.hooks[name].push(hook)
    return this
  }

  /** A new scope under `prefix`; `define` (optional) registers its routes. */
  group(prefix: string, define?: (group: Scope) => void): Scope {
    const group = new Scope()
    this.mount(prefix, group)
    define?.(group)
    return group
  }

  /** Serves another app's (or group's) routes under `prefix`, e.g. `/api/v2`. */
  mount(prefix: string, scope: Scope): this {
    this.#assertOpen()
    if (prefix !== '' && (!prefix.startsWith('/') || prefix.endsWith('/'))) {
      throw new Error(`A prefix starts with "/" and does not end with one: "${prefix}"`)
    }
    this.children.push({ prefix, scope })
    return this
  }

  #sealed = false

  /** @internal called by the app when it compiles its routes; later changes would be lost, so they throw. */
  seal(): void {
    this.#sealed = true
  }

  #assertOpen(): void {
    if (this.#sealed) throw new Error('Routes, middleware and hooks must be added before the app starts')
  }

  #add(method: Method, path: string, options: RouteOptions, handler: Handler): this {
    this.#assertOpen()
    if (typeof handler !== 'function')
      throw new TypeError(`The handler of ${method} ${path} is not a function`)
    this.routes.push({ method, path, options, handler })
    return this
  }
}
