import type { Saker } from '../app.ts'
import type { Context } from '../context.ts'
import { HttpError } from '../errors.ts'

/** A readiness check: ready when it resolves, not when it throws, rejects, times out or returns `false`. */
export type HealthCheck = () => unknown

/** Options of `health()`. */
export interface HealthOptions {
  /** The checks `/readyz` runs, by name, all at once: `{ database: databaseCheck(db) }`. */
  checks?: Record<string, HealthCheck>
  /** How long each check may take, in ms (default 2000). */
  timeout?: number
  /** Path of the liveness probe (default `/healthz`). */
  livenessPath?: string
  /** Path of the readiness probe (default `/readyz`). */
  readinessPath?: string
}

/** One check's outcome, as `/readyz` reports it. */
export interface CheckResult {
  status: 'ok' | 'failed' | 'timed out'
  /** How long the check took, in ms. */
  duration: number
}

const NO_STORE = 'no-store'

function timedOut(timeout: number): { promise: Promise<'timed out'>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined
  const promise = new Promise<'timed out'>((resolve) => {
    timer = setTimeout(resolve, timeout, 'timed out')
  })
  return { promise, cancel: () => clearTimeout(timer) }
}

async function runCheck(
  ctx: Context,
  name: string,
  check: HealthCheck,
  timeout: number,
): Promise<CheckResult> {
  const started = performance.now()
  const deadline = timedOut(timeout)
  let status: CheckResult['status']
  try {
    const outcome = await Promise.race([Promise.resolve().then(check), deadline.promise])
    status = outcome === 'timed out' ? 'timed out' : outcome === false ? 'failed' : 'ok'
  } catch (error) {
    // The reason goes to the log, not to the probe's body, which may be reachable from outside.
    ctx.log.warn({ err: error, check: name }, 'readiness check failed')
    status = 'failed'
  } finally {
    deadline.cancel()
  }
  if (status === 'timed out') ctx.log.warn({ check: name, timeout }, 'readiness check timed out')
  return { status, duration: Math.round(performance.now() - started) }
}

/**
 * Registers the probes of a load balancer or an orchestrator, left out of the OpenAPI document:
 * `GET /healthz` (liveness: 200 while the process serves) and `GET /readyz` (readiness: 200 when
 * every check passes, else a 503 problem naming the failing checks; 503 too once `app.close()`
 * has begun, so that the instance is drained).
 *
 * @example
 * health(app, { checks: { database: databaseCheck(db), cache: () => redis.ping() } })
 */
export function health(app: Saker, options: HealthOptions = {}): void {
  const checks = Object.entries(options.checks ?? {})
  const timeout = options.timeout ?? 2000
  const hidden = { hidden: true } as const

  app.get(options.livenessPath ?? '/healthz', hidden, (ctx) => {
    ctx.header('cache-control', NO_STORE)
    return { status: 'ok' }
  })

  app.get(options.readinessPath ?? '/readyz', hidden, async (ctx) => {
    ctx.header('cache-control', NO_STORE)
    if (app.closing) {
      throw new HttpError(503, 'The server is shutting down.', { code: 'SHUTTING_DOWN' })
    }
    const results = await Promise.all(checks.map(([name, check]) => runCheck(ctx, name, check, timeout)))
    const report: Record<string, CheckResult> = {}
    const failing: string[] = []
    checks.forEach(([name], index) => {
      const result = results[index] as CheckResult
      report[name] = result
      if (result.status !== 'ok') failing.push(name)
    })
    if (failing.length > 0) {
      throw new HttpError(503, `Not ready: ${failing.join(', ')}.`, {
        code: 'NOT_READY',
        extensions: { checks: report },
      })
    }
    return { status: 'ok', checks: report }
  })
}
