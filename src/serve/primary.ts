/**
 * The cluster primary of `saker serve --workers N`. It forks the workers and relays the cluster
 * bus; replaces a worker that dies (at once, then more slowly while workers keep dying young);
 * on SIGHUP restarts them one by one, each new worker listening before an old one is told to
 * stop; and on SIGTERM or SIGINT stops them gracefully, then exits 0.
 */
import cluster, { type Worker } from 'node:cluster'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import type { Logger } from 'pino'
import { relayInPrimary } from './cluster-bus.ts'
import { type ListenSettings, settingsEnvironment, urlOf } from './options.ts'
import { CLOSE_MESSAGE, type Serving } from './worker.ts'

/** A worker that dies sooner than this after it started died young: a crash loop, not bad luck. */
const YOUNG_MS = 5_000
/** The wait before replacing the second young death in a row; it doubles with each one after. */
const FIRST_BACKOFF_MS = 250
const MAX_BACKOFF_MS = 30_000
/** How long past the grace period the primary waits before it kills a worker that does not exit. */
const KILL_MARGIN_MS = 2_000

export interface PrimaryOptions {
  /** The app file each worker loads; null when workers run the main script again (an app object). */
  file: string | null
  count: number
  settings: ListenSettings
  log: Logger
}

/** Forks the workers; resolves once the first one listens, rejects if one dies before any does. */
export function runPrimary(options: PrimaryOptions): Promise<Serving> {
  return new Primary(options).start()
}

class Primary {
  readonly #options: PrimaryOptions
  /** The workers serving, or starting to, that make up the count. */
  readonly #workers = new Set<Worker>()
  /** A rolling restart's new worker, until it listens. */
  readonly #pending = new Set<Worker>()
  /** Workers told to stop: their exit is expected. */
  readonly #retiring = new Set<Worker>()
  readonly #startedAt = new Map<Worker, number>()
  #youngDeaths = 0
  #listened = false
  #failStart: (error: Error) => void = () => {}
  #stopping: Promise<void> | null = null
  #restarting = false

  constructor(options: PrimaryOptions) {
    this.#options = options
  }

  async start(): Promise<Serving> {
    const { file, count, settings, log } = this.#options
    relayInPrimary()
    if (file !== null) cluster.setupPrimary({ exec: workerMain(), args: [file] })
    cluster.on('exit', (worker, code, signal) => this.#onExit(worker, code, signal))
    const firstListening = new Promise<string>((resolve, reject) => {
      this.#failStart = reject
      cluster.once('listening', (_worker, address) => resolve(urlOf(settings, address)))
    })
    for (let i = 0; i < count; i++) this.#workers.add(this.#fork())
    const url = await firstListening
    this.#listened = true
    this.#handleSignals()
    log.info({ url, workers: count }, 'serving')
    return { url, close: () => this.stop() }
  }

  /** Stops every worker gracefully; resolves when all have exited. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      const workers = [...this.#workers, ...this.#pending]
      this.#options.log.info({ workers: workers.length }, 'stopping')
      await Promise.all(workers.map((worker) => this.#retire(worker)))
      this.#options.log.info('stopped')
    })()
    return this.#stopping
  }

  /** Replaces the workers one by one, a new one listening before an old one stops (new code, no failed request). */
  async restart(): Promise<void> {
    const log = this.#options.log
    if (this.#restarting || this.#stopping !== null) {
      log.warn('a restart or a stop is under way: this restart is skipped')
      return
    }
    this.#restarting = true
    log.info({ workers: this.#workers.size }, 'rolling restart')
    try {
      for (const old of [...this.#workers]) {
        // A worker that died meanwhile was replaced already.
        if (!this.#workers.has(old)) continue
        const fresh = this.#fork()
        this.#pending.add(fresh)
        const [listened] = await Promise.race([
          once(fresh, 'listening').then(() => [true]),
          once(fresh, 'exit').then(() => [false]),
        ])
        this.#pending.delete(fresh)
        if (this.#stopping !== null) return
        if (!listened) {
          log.error(
            'a new worker exited before it listened: the restart stops, the other workers keep serving',
          )
          return
        }
        this.#workers.add(fresh)
        await this.#retire(old)
      }
      log.info('rolling restart done')
    } finally {
      this.#restarting = false
    }
  }

  #fork(): Worker {
    const worker = cluster.fork(settingsEnvironment(this.#options.settings))
    this.#startedAt.set(worker, Date.now())
    return worker
  }

  /** Tells `worker` to stop gracefully; kills it if it is still there after the grace period. */
  async #retire(worker: Worker): Promise<void> {
    this.#retiring.add(worker)
    this.#workers.delete(worker)
    if (worker.process.exitCode !== null || worker.process.signalCode !== null) return
    const exited = once(worker, 'exit')
    if (worker.isConnected()) worker.send(CLOSE_MESSAGE, () => {})
    else worker.process.kill('SIGTERM')
    const timer = setTimeout(
      () => worker.process.kill('SIGKILL'),
      this.#options.settings.grace + KILL_MARGIN_MS,
    )
    await exited.finally(() => clearTimeout(timer))
  }

  #onExit(worker: Worker, code: number | null, signal: string | null): void {
    const startedAt = this.#startedAt.get(worker) ?? Date.now()
    this.#startedAt.delete(worker)
    const expected = this.#retiring.delete(worker) || this.#pending.has(worker)
    if (!this.#workers.delete(worker) || expected || this.#stopping !== null) return
    const log = this.#options.log
    const pid = worker.process.pid
    if (!this.#listened) {
      // The app does not start (an error in the app file, a port in use): restarting would only loop.
      log.error({ worker: pid, code, signal }, 'a worker exited before the app listened')
      for (const other of this.#workers) other.process.kill('SIGKILL')
      this.#failStart(new Error(`a worker exited (code ${code}, signal ${signal}) before the app listened`))
      return
    }
    this.#youngDeaths = Date.now() - startedAt < YOUNG_MS ? this.#youngDeaths + 1 : 0
    const delay =
      this.#youngDeaths <= 1 ? 0 : Math.min(FIRST_BACKOFF_MS * 2 ** (this.#youngDeaths - 2), MAX_BACKOFF_MS)
    log.error({ worker: pid, code, signal, replacedInMs: delay }, 'a worker died; replacing it')
    setTimeout(() => {
      if (this.#stopping === null) this.#workers.add(this.#fork())
    }, delay)
  }

  #handleSignals(): void {
    const stop = (signal: NodeJS.Signals) => {
      if (this.#stopping !== null) {
        // A second Ctrl-C: do not wait any longer.
        this.#options.log.warn({ signal }, 'stopping at once')
        for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL')
        process.exit(1)
      }
      void this.stop().then(() => process.exit(0))
    }
    process.on('SIGTERM', stop)
    process.on('SIGINT', stop)
    process.on('SIGHUP', () => void this.restart())
  }
}

/** The script a worker runs for an app file: `.ts` when saker runs from its source, `.js` from its build. */
function workerMain(): string {
  const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js'
  return fileURLToPath(new URL(`./worker-main${extension}`, import.meta.url))
}
