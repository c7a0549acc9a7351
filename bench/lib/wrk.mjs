// Runs wrk pinned to CPU 0 and parses the line printed by report.lua.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const SCRIPT = fileURLToPath(new URL('../report.lua', import.meta.url))
const running = new Set()

export function killWrk() {
  for (const child of running) child.kill('SIGKILL')
}

/** One wrk run; resolves to the parsed result, rejects on failure or when it overruns its time bound. */
export function wrk(url, seconds) {
  const args = [
    '-c',
    '0',
    'wrk',
    '-t1',
    '-c64',
    `-d${seconds}s`,
    '--timeout',
    '5s',
    '--latency',
    '-s',
    SCRIPT,
    url,
  ]
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', args, { stdio: ['ignore', 'pipe', 'pipe'] })
    running.add(child)
    let out = ''
    child.stdout.on('data', (c) => {
      out += c
    })
    child.stderr.on('data', (c) => {
      out += c
    })
    // wrk stops itself after `seconds`; the margin covers startup and the 5 s request timeout.
    const timer = setTimeout(() => child.kill('SIGKILL'), (seconds + 15) * 1000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      running.delete(child)
      const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '))
      if (code !== 0 || !line) {
        reject(new Error(`wrk failed (code ${code}, signal ${signal}): ${out.trim().slice(-500)}`))
        return
      }
      resolve(JSON.parse(line.slice('BENCH_RESULT '.length)))
    })
  })
}

/** Human-readable wrk version, for the results file. */
export function wrkVersion() {
  return new Promise((resolve) => {
    const child = spawn('wrk', ['-v'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (c) => {
      out += c
    })
    child.stderr.on('data', (c) => {
      out += c
    })
    child.on('error', () => resolve(null))
    child.on('close', () => resolve(out.split('\n')[0].trim() || null))
  })
}
