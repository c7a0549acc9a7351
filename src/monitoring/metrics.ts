import cluster from 'node:cluster'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { performance } from 'node:perf_hooks'
import type { Counter, Gauge, Histogram, Registry } from 'prom-client'
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

/** The counters of one route and method: the latency histogram, and a request counter per status. */
interface RouteRecorder {
  duration: Histogram.Internal<string>
  byStatus: Map<number, Counter.Internal>
}

const started = Symbol('saker.metrics.started')
type TimedResponse = ServerResponse & { [started]?: number }

const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/**
 * Serves Prometheus metrics at `/metrics` (left out of the OpenAPI document): requests by method,
 * route pattern and status, latency by method and route, requests in flight, and prom-client's
 * process and Node.js metrics. In a cluster, a scrape of any worker answers the sum of all
 * workers. Needs the optional `prom-client` package; await it before the app starts. Answers the
 * registry, to add metrics of your own.
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
    help: 'Time from a request arriving to its response finishing, by method and route pattern.',
    labelNames: ['method', 'route'],
    buckets: options.buckets ?? DEFAULT_BUCKETS,
    registers,
  })
  const inFlight: Gauge = new prom.Gauge({
    name: 'http_requests_in_flight',
    help: 'HTTP requests being handled.',
    registers,
  })

  const recorders = new WeakMap<CompiledRoute, Map<string, RouteRecorder>>()
  function recorderOf(route: CompiledRoute, method: string): RouteRecorder {
    let byMethod = recorders.get(route)
    if (byMethod === undefined) recorders.set(route, (byMethod = new Map()))
    let recorder = byMethod.get(method)
    if (recorder === undefined) {
      recorder = { duration: duration.labels(method, route.path), byStatus: new Map() }
      byMethod.set(method, recorder)
    }
    return recorder
  }

  // PERF: children are looked up per route, method and status, not by prom-client's label hashing.
  function record(ctx: Context): void {
    const res = ctx.res as TimedResponse
    const recorder = recorderOf(ctx.route, ctx.method)
    const status = res.statusCode
    let counter = recorder.byStatus.get(status)
    if (counter === undefined) {
      counter = requests.labels(ctx.method, ctx.route.path, String(status))
      recorder.byStatus.set(status, counter)
    }
    counter.inc()
    const start = res[started]
    if (start !== undefined) recorder.duration.observe((performance.now() - start) / 1000)
  }
  app.addHook('onResponse', record)

  function finished(this: TimedResponse): void {
    inFlight.dec()
  }
  // NOTE: in flight counts from arrival, before routing; an onRequest hook would see requests later
  // and take every route off the synchronous fast path. `close` comes after `finish`, and also
  // when the client leaves early.
  const handle = app.handle
  app.handle = (req: IncomingMessage, res: ServerResponse): void => {
    ;(res as TimedResponse)[started] = performance.now()
    inFlight.inc()
    res.once('close', finished)
    handle(req, res)
  }

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
