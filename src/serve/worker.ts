/**
 * One serving process: a cluster worker, or the only process when there are no workers. It
 * listens, and on SIGTERM, SIGINT or its primary's word stops gracefully and exits 0.
 */
import cluster from 'node:cluster'
import type { Logger } from 'pino'
import type { Saker } from '../app.ts'
import { type ListenSettings, urlOf } from './options.ts'

/** What the primary sends a worker it retires. */
export const CLOSE_MESSAGE = { type: 'saker:serve:close' } as const

/** A running server; `close()` stops it gracefully. */
export interface Serving {
  url: string
  close(): Promise<void>
}

/** Listens with `settings` and stops the process gracefully when told to. */
export async function runServer(app: Saker, settings: ListenSettings, log?: Logger): Promise<Serving> {
  const address = await app.listen({
    port: settings.port,
    host: settings.host,
    tls: settings.tls,
    http2: settings.http2,
  })
  const url = urlOf(settings, address)
  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= app.close(settings.grace)
    return closing
  }
  const exit = () => {
    void close().then(() => process.exit(0))
  }
  process.once('SIGTERM', exit)
  process.once('SIGINT', exit)
  if (cluster.isWorker) {
    process.on('message', (message: { type?: unknown } | null) => {
      if (message?.type === CLOSE_MESSAGE.type) exit()
    })
    // The primary restarts workers; a SIGHUP the terminal sends the whole group is its business.
    process.on('SIGHUP', () => {})
  } else {
    log?.info({ url }, 'serving')
    process.on('SIGHUP', () => {
      log?.warn('SIGHUP: a rolling restart needs workers (--workers); this process keeps serving')
    })
  }
  return { url, close }
}
