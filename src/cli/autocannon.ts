/**
 * autocannon, the load generator under `saker bench`: an optional peer dependency, imported
 * when a benchmark runs. These are the parts of its API that saker uses (it ships no types).
 */
import type { EventEmitter } from 'node:events'
import { loadOptional } from '../optional-dependency.ts'

export interface LoadOptions {
  url: string
  connections: number
  duration: number
  pipelining: number
  method: string
  headers: Record<string, string>
  body?: string
  /** Requests per second from all connections together; none for as fast as the server answers. */
  overallRate?: number
  timeout: number
}

export interface LoadResult {
  requests: { average: number; total: number }
  latency: { p50: number; p90: number; p99: number; max: number; average: number }
  throughput: { average: number }
  errors: number
  timeouts: number
  non2xx: number
  duration: number
}

export interface LoadRun extends EventEmitter, PromiseLike<LoadResult> {
  stop(): void
}

export interface Autocannon {
  (options: LoadOptions): LoadRun
  track(
    run: LoadRun,
    options: { outputStream: NodeJS.WritableStream; renderProgressBar: boolean; renderResultsTable: boolean },
  ): void
}

export async function loadAutocannon(): Promise<Autocannon> {
  // NOTE: a CommonJS module without types; its default export is the function.
  const module = await loadOptional('autocannon', '`saker bench`', () => import('autocannon' as string))
  return (module as { default: Autocannon }).default
}
