// Runs wrk pinned to CPU 0 and parses the line printed by report.lua.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const SCRIPT = fileURLToPath(new URL('../report.lua', import.meta.url))
const WRK = ['-t1', '-c64', '--timeout', '5s', '--latency', '-s', SCRIPT]
// The shell waits for wrk, then prints its own /proc stat: cutime+cstime there is wrk's CPU time,
// which lets run.mjs tell wrk's use of CPU 0 from other processes'.
const WRAPPER = 'taskset -c 0 wrk "$@"; s=$?; echo "WRAPPER_STAT $(cat /proc/$$/stat)"; exit $s'
const running = new Set()

export function killWrk() {
  for (const child of running) killGroup(child)
}

/**
 * One wrk run (with `headers`, e.g. `origin: https://app.example.com`); resolves to the parsed
 * result plus `cpuJiffies` (wrk's utime+stime), rejects on failure or when it overruns its time bound.
 */
export function wrk(url, seconds, headers = []) {
  const headerArgs = headers.flatMap((header) => ['-H', header])
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', WRAPPER, 'sh', ...WRK, ...headerArgs, `-d${seconds}s`, url], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // own process group, so a timeout kills wrk too, not just the shell
    })
    running.add(child)
    let out = ''
    const collect = (c) => {
      out += c
    }
    child.stdout.on('data', collect)
    child.stderr.on('data', collect)
    // wrk stops itself after `seconds`; the margin covers startup and the 5 s request timeout.
    const timer = setTimeout(() => killGroup(child), (seconds + 15) * 1000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      running.delete(child)
      const lines = out.split('\n')
      const line = lines.find((l) => l.startsWith('BENCH_RESULT '))
      if (code !== 0 || !line) {
        reject(new Error(`wrk failed (code ${code}, signal ${signal}): ${out.trim().slice(-500)}`))
        return
      }
      const stat = lines.find((l) => l.startsWith('WRAPPER_STAT ')) ?? ''
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ') // rest[0] is field 3 (state)
      const cpuJiffies = Number(rest[13]) + Number(rest[14]) // fields 16, 17: cutime, cstime
      resolve({ ...JSON.parse(line.slice('BENCH_RESULT '.length)), cpuJiffies })
    })
  })
}

/** Kill the shell and wrk together. */
function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL')
  } catch {}
}

/** Human-readable wrk version, for the results file. */
export function wrkVersion() {
  return new Promise((resolve) => {
    const child = spawn('wrk', ['-v'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    const collect = (c) => {
      out += c
    }
    child.stdout.on('data', collect)
    child.stderr.on('data', collect)
    child.on('error', () => resolve(null))
    child.on('close', () => resolve(out.split('\n')[0].trim() || null))
  })
}
