import cluster from 'node:cluster'
import type { ServerResponse } from 'node:http'
import { performance } from 'node:perf_hooks'
import type { Counter, Histogram, Registry } from 'prom-client'
import type { Saker } from '../app.ts'
import type { Context } from '../context.ts'
import { loadOptional } from '../optional-dependency.ts'
import type { CompiledRoute } from '../route.ts'
import { answerGather, gather } from '../serve/cluster-bus.ts'

/** Options of `metrics()`. */
export interface MetricsOptions {
  /** Path of the Prometheus text (default `/metrics`). */
  path?: string
  /** prom-client's process and Node.js metrics: CPU, memory, GC, event-loop lag (default `true`). */
  defaultMetrics?: boolean
  /** Buckets of the latency histogram, in seconds. */
  buckets?: number[]
  /** How long a scrape waits for the other workers' metrics, in ms (default 1000). */
  gatherTimeout?: number
}

/** The children of one route and method label: the latency histogram, and a request counter per status. */
interface Recorder {
  method: string
  route: string
  duration: Histogram.Internal<string>
  byStatus: Map<number, Counter.Internal>
}

/**
 * The `method` label values, `OTHER` last. NOTE: a client may send any method (HTTP/2 takes any
 * token, Node's HTTP/1 parser knows dozens); as label values they would add series at its will.
 */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'OTHER'] as const
const OTHER = METHODS.length - 1
const METHOD_INDEX = new Map<string, number>(METHODS.slice(0, OTHER).map((method, index) => [method, index]))

/** The `route` label of requests no route matches: the raw path would add a series per URL sent. */
const UNMATCHED = '(unmatched)'

/** The app's 404 route (app.ts) is the only one whose path is `*`: a route's path starts with `/`. */
function routeLabel(route: CompiledRoute): string {
  return route.path === '*' ? UNMATCHED : route.path
}

// PERF: the arrival time rides on the response, so the `close` listener is one function per
// `metrics()` call, not a closure per request. `undefined` once the request has left in flight.
const arrivedAt = Symbol('saker.metrics.arrivedAt')
type TimedResponse = ServerResponse & { [arrivedAt]?: number | undefined }

const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/**
 * Serves Prometheus metrics at `/metrics` (left out of the OpenAPI document): requests by method,
 * route pattern and status, latency by method and route, requests in flight, and prom-client's
 * process and Node.js metrics. Recorded by the app's own `onRequest` and `onResponse` hooks, so
 * every server of the app is counted, whenever it was created. In a cluster, a scrape of any
 * worker answers the sum of all workers. Needs the optional `prom-client` package; await it
 * before the app starts, and before adding `onRequest` hooks that may end a request. Answers
 * the registry, to add metrics of your own.
 *
 * @example
 * const registry = await metrics(app)
 * new Counter({ name: 'signups_total', help: 'Members who signed up', registers: [registry] })
 */
export async function metrics(app: Saker, options: MetricsOptions = {}): Promise<Registry> {
  const prom = await loadOptional('prom-client', 'Prometheus metrics', () => import('prom-client'))
  const path = options.path ?? '/metrics'
  const registry = new prom.Registry()
  if (options.defaultMetrics ?? true) prom.collectDefaultMetrics({ register: registry })
  const registers = [registry]
  const requests = new prom.Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'],
    registers,
  })
  const duration = new prom.Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from a request’s onRequest hooks to its response finishing, by method and route pattern.',
    labelNames: ['method', 'route'],
    buckets: options.buckets ?? DEFAULT_BUCKETS,
    registers,
  })
  // PERF: a plain number per request, handed to prom-client only when scraped (no label hashing).
  let inFlight = 0
  new prom.Gauge({
    name: 'http_requests_in_flight',
    help: 'HTTP requests being handled.',
    registers,
    collect() {
      this.set(inFlight)
    },
  })

  const recorders = new WeakMap<CompiledRoute, Array<Recorder | undefined>>()
  // PERF: a route's label values and prom-client children are made once per route, method and status.
  function recorderOf(route: CompiledRoute, method: string): Recorder {
    let byMethod = recorders.get(route)
    if (byMethod === undefined) {
      byMethod = new Array<Recorder | undefined>(METHODS.length).fill(undefined)
      recorders.set(route, byMethod)
    }
    const index = METHOD_INDEX.get(method) ?? OTHER
    let recorder = byMethod[index]
    if (recorder === undefined) {
      const label = METHODS[index] as string
      const pattern = routeLabel(route)
      recorder = {
        method: label,
        route: pattern,
        duration: duration.labels(label, pattern),
        byStatus: new Map(),
      }
      byMethod[index] = recorder
    }
    return recorder
  }

  // NOTE: the app's onRequest hooks run for 404, 405 and automatic OPTIONS answers too, once each.
  function arrived(ctx: Context): void {
    const res = ctx.res as TimedResponse
    res[arrivedAt] = performance.now()
    inFlight++
    res.once('close', left)
  }

  // `close` follows every `finish`; without one (the client left first) no onResponse hook runs.
  function left(this: TimedResponse): void {
    if (this[arrivedAt] === undefined) return
    this[arrivedAt] = undefined
    inFlight--
  }

  // NOTE: `finish`, unlike `close`, also comes for an accepted WebSocket upgrade (status 101).
  function answered(ctx: Context): void {
    const res = ctx.res as TimedResponse
    const recorder = recorderOf(ctx.route, ctx.method)
    const status = res.statusCode
    let counter = recorder.byStatus.get(status)
    if (counter === undefined) {
      counter = requests.labels(recorder.method, recorder.route, String(status))
      recorder.byStatus.set(status, counter)
    }
    counter.inc()
    const start = res[arrivedAt]
    // An onRequest hook added before metrics() ended the request: counted, but never timed nor in flight.
    if (start === undefined) return
    res[arrivedAt] = undefined
    inFlight--
    recorder.duration.observe((performance.now() - start) / 1000)
  }

  app.addHook('onRequest', arrived)
  app.addHook('onResponse', answered)

  const kind = `saker:metrics:${path}`
  answerGather(kind, () => registry.getMetricsAsJSON())
  const gatherTimeout = options.gatherTimeout ?? 1000
  app.get(path, { hidden: true }, async (ctx) => {
    let text: string
    if (cluster.isWorker) {
      const all = await gatherOrOwn(kind, gatherTimeout, registry)
      text = await prom.AggregatorRegistry.aggregate(all).metrics()
    } else {
      text = await registry.metrics()
    }
    ctx.header('content-type', registry.contentType)
    ctx.header('cache-control', 'no-store')
    return ctx.send(text)
  })
  return registry
}

/** Every worker's metrics; this worker's alone when no primary relays (a cluster without `saker serve`). */
async function gatherOrOwn(kind: string, timeout: number, registry: Registry): Promise<object[]> {
  const all = (await gather(kind, timeout)) as object[]
  return all.length === 0 ? [await registry.getMetricsAsJSON()] : all
}
