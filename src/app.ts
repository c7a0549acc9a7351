import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Logger } from 'pino'
import { Context } from './context.ts'
import { HttpError } from './errors.ts'
import { DEFAULT_BODY_LIMIT } from './http/body.ts'
import { clientView, type ProxyHeaders, type TrustProxy } from './http/client-address.ts'
import { incomingRequestId, newRequestId } from './http/request-id.ts'
import {
  type Connection,
  closeGracefully,
  createHttpServer,
  DEFAULT_LIMITS,
  type NodeServer,
  type ServerLimits,
  type TlsOptions,
  trackConnections,
} from './http/server.ts'
import { type Runtime, run } from './lifecycle.ts'
import { createLogger, type LoggerSetting } from './logger.ts'
import { type DocsOptions, registerDocs } from './openapi/register.ts'
import { type CompiledRoute, compileRoute, emptyHooks, type Inherited } from './route.ts'
import type { Endpoint } from './router/router.ts'
import { TrieRouter } from './router/trie-router.ts'
import { Scope } from './scope.ts'
import type { HookLists } from './types.ts'
import { WebSocketHub } from './ws/hub.ts'
import type { PubSubOptions } from './ws/pubsub.ts'
import type { UpgradeListener } from './ws/upgrade.ts'

/** Options of `saker()`. */
export interface SakerOptions {
  /** pino logging: `true` (default), `false`, pino options or a logger. */
  logger?: LoggerSetting
  /** One `request completed` line per request (default `true`). */
  accessLog?: boolean
  /** Development mode: pretty logs and stacks in 500 problems. Default: `NODE_ENV === 'development'`. */
  dev?: boolean
  /** Default request body limit in bytes (1 MiB). */
  bodyLimit?: number
  /** Which proxies may tell the client address, protocol and host; see `TrustProxy`. Default `false`. */
  trustProxy?: TrustProxy
  /** Which headers the trusted proxies set: `x-forwarded` (default) or `forwarded` (RFC 7239). */
  proxyHeaders?: ProxyHeaders
  /** Treat `/members/` as `/members` (default `false`: paths match exactly). */
  ignoreTrailingSlash?: boolean
  /** The `Server` header, or `false` for none. Default `saker`. */
  serverHeader?: string | false
  /**
   * Where the request id comes from and goes to. Default `x-request-id`. `false`: every id is
   * made here and replies do not carry it (as Fastify and Express do); logs still tag it.
   */
  requestIdHeader?: string | false
  /** The OpenAPI document at `/openapi.json` and Swagger UI at `/docs`; `false` to turn both off. */
  openapi?: DocsOptions | false
  /** Server timeouts and limits. */
  server?: ServerLimits
  /** Where `publish()` reaches WebSocket subscribers: every worker, and every instance with Redis. */
  pubsub?: PubSubOptions
}

/** Options of `app.listen()`. */
export interface ListenOptions {
  port?: number
  host?: string
  /** Serve HTTPS with this certificate and key. */
  tls?: TlsOptions
  /** Serve HTTP/2 (needs `tls`); HTTP/1.1 clients are still served on the same port. */
  http2?: boolean
}

/**
 * A saker application: a scope of routes plus everything that serves them.
 *
 * @example
 * const app = saker()
 * app.get('/hello', {}, () => ({ hello: 'world' }))
 * await app.listen({ port: 8000 })
 */
export class Saker extends Scope {
  readonly log: Logger
  readonly dev: boolean
  /** The compiled routes, once `ready()` has run. */
  readonly compiledRoutes: CompiledRoute[] = []
  readonly #options: SakerOptions
  readonly #router = new TrieRouter<CompiledRoute>()
  readonly #notAllowed = new Map<Endpoint<CompiledRoute>, CompiledRoute>()
  /** Every path's method table, each once, for the automatic OPTIONS and 405 routes. */
  readonly #endpoints = new Set<Endpoint<CompiledRoute>>()
  readonly #runtime: Runtime
  readonly #requestIdHeader: string | null
  readonly #ignoreTrailingSlash: boolean
  #notFound: CompiledRoute | null = null
  #ready = false
  #server: NodeServer | null = null
  #connections: Set<Connection> = new Set()
  #closing = false
  readonly #webSockets: WebSocketHub
  /**
   * The `upgrade` listener serving the WebSocket routes; `listen()` adds it. On your own server:
   * `http.createServer(app.handle).on('upgrade', app.upgrade)`.
   */
  readonly upgrade: UpgradeListener

  constructor(options: SakerOptions = {}) {
    super()
    this.#options = options
    this.dev = options.dev ?? process.env.NODE_ENV === 'development'
    this.log = createLogger(options.logger ?? true, this.dev)
    this.#requestIdHeader =
      options.requestIdHeader === false ? null : (options.requestIdHeader ?? 'x-request-id').toLowerCase()
    this.#ignoreTrailingSlash = options.ignoreTrailingSlash ?? false
    const app = this
    this.#runtime = {
      log: this.log,
      dev: this.dev,
      serverHeader: options.serverHeader === false ? null : (options.serverHeader ?? 'saker'),
      requestIds: options.requestIdHeader !== false,
      accessLog: options.accessLog ?? options.logger !== false,
      client: clientView(options.trustProxy ?? false, options.proxyHeaders),
      get closing() {
        return app.#closing
      },
    }
    this.#webSockets = new WebSocketHub(this.handle, options.pubsub ?? {}, this.log)
    this.upgrade = this.#webSockets.upgrade
  }

  /** Compiles every route, validator and serializer. `listen()` and `inject()` call it; later calls do nothing. */
  ready(): this {
    if (this.#ready) return this
    const docs = this.#options.openapi === false ? null : registerDocs(this, this.#options.openapi ?? {})
    const inherited: Inherited = {
      hooks: emptyHooks(),
      middleware: [],
      bodyLimit: this.#options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    }
    this.#compile(this, '', inherited)
    const root = this.#inheritedFrom(this, inherited)
    this.#notFound = compileRoute({ method: 'GET', path: '*', options: {}, handler: notFound }, '*', root)
    for (const endpoint of this.#endpoints) this.#completeEndpoint(endpoint, root)
    docs?.publish(this.compiledRoutes)
    this.#ready = true
    return this
  }

  /** Gives a path its automatic OPTIONS reply and its 405 route, both under the app's hooks and middleware. */
  #completeEndpoint(endpoint: Endpoint<CompiledRoute>, root: Inherited): void {
    const path = endpoint.path
    if (!endpoint.methods.has('OPTIONS')) {
      const answerOptions = (ctx: Context) => {
        ctx.header('allow', endpoint.allow)
        return undefined
      }
      const definition = { method: 'OPTIONS', path, options: {}, handler: answerOptions } as const
      this.#router.add('OPTIONS', path, compileRoute(definition, path, root))
    }
    const refuseMethod = () => {
      const allow = endpoint.allow
      throw new HttpError(405, `This resource does not support the method; use one of: ${allow}.`, {
        headers: { allow },
      })
    }
    const definition = { method: 'GET', path, options: {}, handler: refuseMethod } as const
    this.#notAllowed.set(endpoint, compileRoute(definition, path, root))
  }

  #inheritedFrom(scope: Scope, outer: Inherited): Inherited {
    const hooks: HookLists = emptyHooks()
    for (const name of Object.keys(hooks) as Array<keyof HookLists>) {
      ;(hooks as Record<string, unknown[]>)[name] = [...outer.hooks[name], ...scope.hooks[name]]
    }
    return { hooks, middleware: [...outer.middleware, ...scope.middleware], bodyLimit: outer.bodyLimit }
  }

  #compile(scope: Scope, prefix: string, outer: Inherited): void {
    scope.seal()
    const inherited = this.#inheritedFrom(scope, outer)
    for (const definition of scope.routes) {
      const path = this.#normalize(prefix + definition.path)
      const route = compileRoute(definition, path, inherited)
      this.#endpoints.add(this.#router.add(definition.method, path, route))
      this.compiledRoutes.push(route)
    }
    for (const child of scope.children) this.#compile(child.scope, prefix + child.prefix, inherited)
  }

  #normalize(path: string): string {
    if (path === '') return '/'
    if (this.#ignoreTrailingSlash && path.length > 1 && path.endsWith('/')) return path.slice(0, -1)
    return path
  }

  /**
   * Handles one request: the `node:http` request listener. Bound, so it can be
   * passed to `http.createServer` (or `https`) as is.
   */
  handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (!this.#ready) this.ready()
    const url = req.url as string
    const queryAt = url.indexOf('?')
    const path = queryAt === -1 ? url : url.slice(0, queryAt)
    let match = this.#router.find(path)
    // The path as sent wins (`/files/` matches `/files/*`); only then is a trailing slash ignored.
    if (
      match === null &&
      this.#ignoreTrailingSlash &&
      path.length > 1 &&
      path.charCodeAt(path.length - 1) === 47
    ) {
      match = this.#router.find(path.slice(0, -1))
    }
    let route: CompiledRoute
    let params: Record<string, string>
    if (match === null) {
      route = this.#notFound as CompiledRoute
      params = {}
    } else {
      const methods = match.endpoint.methods
      const method = req.method as string
      route =
        methods.get(method) ??
        (method === 'HEAD' ? methods.get('GET') : undefined) ??
        (this.#notAllowed.get(match.endpoint) as CompiledRoute)
      params = match.params
    }
    const ctx = new Context(
      this.#runtime,
      route,
      req,
      res,
      path,
      queryAt === -1 ? '' : url.slice(queryAt + 1),
      params,
      this.#requestId(req),
    )
    run(this.#runtime, ctx)
  }

  /** The id a reply sends back: the client's own when valid, else a new one; none made yet when not sent. */
  #requestId(req: IncomingMessage): string | undefined {
    const header = this.#requestIdHeader
    if (header === null) return undefined
    return incomingRequestId(req, header) ?? newRequestId()
  }

  /** Whether `close()` has begun: readiness checks then fail, so load balancers stop sending requests. */
  get closing(): boolean {
    return this.#closing
  }

  /** The listening server, once `listen()` resolved. */
  get server(): NodeServer | null {
    return this.#server
  }

  /**
   * Sends `message` to every WebSocket subscribed to `topic` (`socket.subscribe(topic)`), in
   * every worker, and in every instance when Redis is configured. Strings go as text, Buffers
   * as binary, anything else as JSON.
   *
   * @example
   * app.publish('news', { title: 'Hello' })
   */
  publish(topic: string, message: unknown): void {
    this.#webSockets.pubsub.publish(topic, message)
  }

  /** Starts serving; resolves with the bound address once listening. */
  async listen(options: ListenOptions = {}): Promise<AddressInfo> {
    if (this.#server) throw new Error('The app is already listening')
    if (options.http2 && !options.tls) throw new Error('http2 needs tls: browsers speak HTTP/2 only over TLS')
    this.ready()
    const server = createHttpServer(
      this.handle,
      { ...DEFAULT_LIMITS, ...this.#options.server },
      this.#runtime.serverHeader,
      options.tls,
      options.http2,
    )
    this.#server = server
    this.#connections = trackConnections(server)
    server.on('upgrade', this.upgrade)
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.off('error', reject)
        resolve()
      })
    })
    const address = server.address() as AddressInfo
    this.log.info({ address: address.address, port: address.port }, 'saker listening')
    return address
  }

  /**
   * Stops accepting connections and resolves once in-flight requests are answered, or after
   * `grace` ms (default: the `closeGrace` server option), when the rest are cut.
   */
  async close(grace = this.#options.server?.closeGrace ?? DEFAULT_LIMITS.closeGrace): Promise<void> {
    const server = this.#server
    // Closing first: readiness fails and replies say `Connection: close` while sockets wind down.
    if (server) this.#closing = true
    await this.#webSockets.close(grace)
    if (!server) return
    await closeGracefully(server, this.#connections, grace)
    this.#server = null
  }
}

function notFound(ctx: Context): never {
  throw new HttpError(404, `No route matches ${ctx.path}.`)
}

/**
 * Creates a saker app.
 *
 * @example
 * import { saker, t } from 'saker'
 * const app = saker()
 * app.get('/members/:id', { params: t.Object({ id: t.Integer() }) }, (ctx) => store.get(ctx.params.id))
 */
export function saker(options?: SakerOptions): Saker {
  return new Saker(options)
}
