// A fixed-rate load (autocannon's overallRate), for comparing server CPU per request at the same
// offered load: unlike wrk's closed loop, the rate does not follow the endpoint's latency. Note how
// autocannon paces: each second's requests go out as fast as the connections allow at the start of
// that second (a burst per second), so both servers compared see the same bursts.
// As a program (run pinned to CPU 0 by fixedRate()): node bench/lib/fixed-rate.mjs <url> <rate> <seconds>
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const SELF = fileURLToPath(import.meta.url)

/** Runs the load in its own process on CPU 0; resolves to `{ requests, non2xx, errors, p50Ms, p99Ms }`. */
export function fixedRate(url, rate, seconds) {
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', ['-c', '0', process.execPath, SELF, url, String(rate), String(seconds)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (chunk) => {
      out += chunk
    })
    child.stderr.on('data', (chunk) => {
      out += chunk
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), (seconds + 15) * 1000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      const line = out.split('\n').find((l) => l.startsWith('RATE_RESULT '))
      if (code !== 0 || !line) reject(new Error(`fixed-rate load failed (code ${code}): ${out.slice(-500)}`))
      else resolve(JSON.parse(line.slice('RATE_RESULT '.length)))
    })
  })
}

if (process.argv[1] === SELF) {
  const { default: autocannon } = await import('autocannon')
  const [url, rate, seconds] = process.argv.slice(2)
  const result = await autocannon({
    url,
    connections: 32,
    overallRate: Number(rate),
    duration: Number(seconds),
    timeout: 5,
  })
  const summary = {
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
  }
  process.stdout.write(`RATE_RESULT ${JSON.stringify(summary)}\n`)
}
