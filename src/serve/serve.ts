/**
 * `serve()`: serves a saker app (or an app file) the way `saker serve` does: alone in this
 * process, or in cluster workers under a primary that restarts them.
 */
import pino, { type Logger } from 'pino'
import type { Saker } from '../app.ts'
import { loadAppFile } from './load-app.ts'
import { inheritedSettings, type ServeOptions, settle, workerCount } from './options.ts'
import { runPrimary } from './primary.ts'
import { runServer, type Serving } from './worker.ts'

/**
 * Serves `app` (a saker app, or the path of an app file whose default export is one) until
 * SIGTERM or SIGINT, when it stops gracefully and exits the process with 0. With `workers`, this
 * process becomes a cluster primary: an app file is loaded by each worker only; an app object
 * means the main script runs again in each worker, where this same call serves it.
 *
 * @example
 * import { serve } from 'saker/serve'
 * await serve('app.ts', { port: 8000, workers: 'auto' })
 */
export async function serve(app: Saker | string, options: ServeOptions = {}): Promise<Serving> {
  const inherited = inheritedSettings()
  if (inherited !== null) return runServer(await appOf(app), inherited)
  const settings = await settle(options)
  const log = options.log ?? pino({ name: 'saker serve' })
  if (options.workers === undefined) return runServer(await appOf(app), settings, log)
  return runPrimary({
    file: typeof app === 'string' ? app : null,
    count: workerCount(options.workers),
    settings,
    log,
  })
}

function appOf(app: Saker | string): Promise<Saker> {
  return typeof app === 'string' ? loadAppFile(app) : Promise.resolve(app)
}
