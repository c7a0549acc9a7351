/**
 * `saker bench`: load-tests URLs or app files with autocannon (a warm-up, then the measured
 * run), and reports requests/s, latency percentiles, errors and non-2xx answers; with two
 * targets, the second's ratios to the first.
 */
import { startAppFile } from './app-file.ts'
import { type Autocannon, type LoadResult, loadAutocannon } from './autocannon.ts'

export interface BenchOptions {
  /** URLs, or app files (whose default export is a saker app) served on a free port. */
  targets: string[]
  /** The path requested of an app file (default `/`). */
  path: string
  connections: number
  /** Seconds measured. */
  duration: number
  /** Seconds of load before measuring, not reported (0 for none). */
  warmup: number
  pipelining: number
  /** Requests per second (autocannon sends each second's at its start); none for a closed loop. */
  rate?: number
  method: string
  headers: Record<string, string>
  body?: string
  /** Draw autocannon's progress bar on stderr while measuring. */
  progress: boolean
}

export interface TargetResult {
  target: string
  url: string
  requests: number
  requestsPerSecond: number
  latencyMs: { p50: number; p90: number; p99: number; max: number }
  errors: number
  non2xx: number
  bytesPerSecond: number
}

export interface BenchReport {
  options: Omit<BenchOptions, 'progress'>
  results: TargetResult[]
  /** The second target's figures over the first's, with two targets. */
  ratios: { requestsPerSecond: number; p50: number; p99: number } | null
}

/** Runs the targets one after another and reports them. */
export async function bench(options: BenchOptions): Promise<BenchReport> {
  const autocannon = await loadAutocannon()
  const results: TargetResult[] = []
  for (const target of options.targets) results.push(await benchTarget(autocannon, target, options))
  const [first, second] = results
  const ratio = (a: number, b: number) => (b === 0 ? 0 : Math.round((a / b) * 1000) / 1000)
  const ratios =
    first !== undefined && second !== undefined
      ? {
          requestsPerSecond: ratio(second.requestsPerSecond, first.requestsPerSecond),
          p50: ratio(second.latencyMs.p50, first.latencyMs.p50),
          p99: ratio(second.latencyMs.p99, first.latencyMs.p99),
        }
      : null
  const { progress: _, ...reported } = options
  return { options: reported, results, ratios }
}

/** A target that is a URL; any other is an app file. */
export const isUrl = (target: string): boolean => /^https?:\/\//.test(target)

async function benchTarget(
  autocannon: Autocannon,
  target: string,
  options: BenchOptions,
): Promise<TargetResult> {
  const app = isUrl(target) ? null : await startAppFile(target)
  const url = app === null ? target : `${app.url}${options.path}`
  try {
    const load = (duration: number) =>
      autocannon({
        url,
        connections: options.connections,
        duration,
        pipelining: options.pipelining,
        method: options.method,
        headers: options.headers,
        body: options.body,
        overallRate: options.rate,
        timeout: 10,
      })
    if (options.warmup > 0) await load(options.warmup)
    const run = load(options.duration)
    autocannon.track(run, {
      outputStream: process.stderr,
      renderProgressBar: options.progress,
      renderResultsTable: false,
    })
    const result = await run
    if (result.requests.total === 0 && result.errors > 0) {
      throw new Error(`${url}: no response (${result.errors} connection errors)`)
    }
    return summary(target, url, result)
  } finally {
    await app?.stop()
  }
}

function summary(target: string, url: string, result: LoadResult): TargetResult {
  return {
    target,
    url,
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    bytesPerSecond: result.throughput.average,
  }
}

/** The report as a text table, with the ratios line under two targets. */
export function formatReport(report: BenchReport): string {
  const header = ['target', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'errors', 'non-2xx']
  const rows = report.results.map((r) => [
    r.target,
    Math.round(r.requestsPerSecond).toLocaleString('en-US'),
    String(r.latencyMs.p50),
    String(r.latencyMs.p90),
    String(r.latencyMs.p99),
    String(r.latencyMs.max),
    String(r.errors),
    String(r.non2xx),
  ])
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] as string).length)),
  )
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number)))
      .join('  ')
  const { options, ratios } = report
  const mode = options.rate === undefined ? `${options.connections} connections` : `${options.rate} req/s`
  const lines = [
    `${options.duration} s per target after ${options.warmup === 0 ? 'no warm-up' : `${options.warmup} s of warm-up`}, ${mode}, pipelining ${options.pipelining}`,
    '',
    line(header),
    ...rows.map(line),
  ]
  if (ratios !== null) {
    lines.push(
      '',
      `second ÷ first: req/s ${ratios.requestsPerSecond.toFixed(2)}×, p50 ${ratios.p50.toFixed(2)}×, p99 ${ratios.p99.toFixed(2)}×`,
    )
  }
  return `${lines.join('\n')}\n`
}
