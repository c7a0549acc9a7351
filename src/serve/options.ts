/**
 * The options of `serve()` and `saker serve`, and what the primary hands its workers.
 */
import cluster from 'node:cluster'
import { availableParallelism } from 'node:os'
import type { Logger } from 'pino'
import type { TlsOptions } from '../http/server.ts'
import { devCertificate } from './dev-certificate.ts'

/** Options of `serve()`. */
export interface ServeOptions {
  /** The port (default 8000; 0 for a free one). */
  port?: number
  /** The address to listen on (default `127.0.0.1`; `0.0.0.0` or `::` for every interface). */
  host?: string
  /**
   * Worker processes under a cluster primary that restarts them: a count, or `'auto'` for one per
   * CPU. Without it, this process serves alone (no primary, no restarts, no rolling restart).
   */
  workers?: number | 'auto'
  /** Serve HTTPS with this certificate and key. */
  tls?: TlsOptions
  /** Serve HTTPS with a development certificate for localhost, made once (see `devCertificate`). */
  autoTls?: boolean
  /** Serve HTTP/2, HTTP/1.1 clients too (needs `tls` or `autoTls`). */
  http2?: boolean
  /** How long a stop waits for in-flight requests before cutting them, in ms (default 10 s). */
  grace?: number
  /** Where serving is logged (started, worker crashes, restarts, stops); default a pino logger. */
  log?: Logger
}

/** What every worker needs to listen, settled once by the primary and passed in the environment. */
export interface ListenSettings {
  port: number
  host: string
  tls?: TlsOptions
  http2: boolean
  grace: number
}

export const DEFAULT_PORT = 8000
export const DEFAULT_GRACE_MS = 10_000

const SETTINGS_VARIABLE = 'SAKER_SERVE_SETTINGS'

/** The listen settings of `options`: the dev certificate made or read, once, here. */
export async function settle(options: ServeOptions): Promise<ListenSettings> {
  const http2 = options.http2 ?? false
  let tls = options.tls
  if (tls === undefined && options.autoTls) {
    const { cert, key } = await devCertificate()
    tls = { cert, key }
  }
  if (http2 && tls === undefined) throw new Error('HTTP/2 needs TLS: give a certificate, or auto TLS')
  return {
    port: options.port ?? DEFAULT_PORT,
    host: options.host ?? '127.0.0.1',
    tls,
    http2,
    grace: options.grace ?? DEFAULT_GRACE_MS,
  }
}

/** How many workers `workers` means. */
export function workerCount(workers: number | 'auto'): number {
  if (workers === 'auto') return availableParallelism()
  if (!Number.isInteger(workers) || workers < 1)
    throw new RangeError(`workers must be 1 or more, not ${workers}`)
  return workers
}

/** The environment a worker is forked with. */
export function settingsEnvironment(settings: ListenSettings): Record<string, string> {
  const tls = settings.tls && { cert: String(settings.tls.cert), key: String(settings.tls.key) }
  return { [SETTINGS_VARIABLE]: JSON.stringify({ ...settings, tls }) }
}

/** In a worker forked by `serve()`, the settings its primary gave it; elsewhere null. */
export function inheritedSettings(): ListenSettings | null {
  const text = process.env[SETTINGS_VARIABLE]
  return text === undefined || !cluster.isWorker ? null : (JSON.parse(text) as ListenSettings)
}

/** The URL a listening address is reached at. */
export function urlOf(settings: ListenSettings, address: { address: string; port: number }): string {
  const host = address.address.includes(':') ? `[${address.address}]` : address.address
  return `${settings.tls ? 'https' : 'http'}://${host}:${address.port}`
}
