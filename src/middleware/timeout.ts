import type { Context } from '../context.ts'
import { HttpError } from '../errors.ts'
import type { Middleware, Next } from '../types.ts'

/**
 * Answers 503 (code `TIMEOUT`) when the rest of the chain (middleware after this one, pre-handler
 * hooks, the handler) takes longer than `ms`. The late handler is not stopped, but its result,
 * or its error, is dropped: the reply is written once.
 *
 * The body is read before middleware runs (see docs/lifecycle.md): a slow upload is the server's
 * `requestTimeout`'s business, not this one's.
 *
 * @example
 * app.use(timeout(5_000))
 * app.get('/report', { middleware: [timeout(30_000)] }, buildReport)
 */
export function timeout(ms: number): Middleware {
  if (!Number.isInteger(ms) || ms <= 0) throw new RangeError(`A timeout is a positive number of ms: ${ms}`)
  const detail = `The request took longer than ${ms} ms.`
  return (ctx, next) => raceClock(ms, detail, ctx, next)
}

async function raceClock(ms: number, detail: string, ctx: Context, next: Next): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  // NOTE: one promise per request is the price of racing the chain against a clock.
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(expire, ms, reject, detail)
  })
  const running = next()
  try {
    await Promise.race([running, expired])
  } catch (error) {
    if (error instanceof TimedOut) {
      running.catch(logLateFailure.bind(ctx))
      throw new HttpError(503, detail, { code: 'TIMEOUT' })
    }
    throw error
  } finally {
    clearTimeout(timer)
  }
}

/** The clock's rejection, told apart from the chain's own errors. */
class TimedOut extends Error {}

function expire(reject: (reason: unknown) => void, detail: string): void {
  reject(new TimedOut(detail))
}

function logLateFailure(this: Context, error: unknown): void {
  this.log.warn({ err: error }, 'request failed after it timed out')
}
