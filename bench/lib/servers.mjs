// Server lifecycle: pinned spawn, readiness, RSS sampling, and guaranteed cleanup.
import { spawn, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import http from 'node:http'
import net from 'node:net'

const HOST = '127.0.0.1'
const live = new Set() // every child we started; killed on any exit path

export function killAll() {
  for (const child of live) {
    try {
      process.kill(-child.pid, 'SIGKILL') // whole process group (detached below)
    } catch {}
  }
  live.clear()
}

/** A free loopback port (tiny race between close and the server's bind is acceptable here). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, HOST, () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

/**
 * Start `node ...args` (or `command`, a program and its arguments) pinned to CPU 1 (wrk gets CPU 0).
 * taskset execs it, so child.pid is the server's pid, which is what /proc sampling needs.
 */
export function startServer({ args, command, cwd, port }) {
  const argv = command ?? [process.execPath, ...args]
  const child = spawn('taskset', ['-c', '1', ...argv], {
    cwd,
    env: { ...process.env, NODE_ENV: 'production', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group, so cleanup also reaches anything it forks
  })
  live.add(child)
  let output = ''
  const keep = (chunk) => {
    output = (output + chunk).slice(-4000) // keep the tail for error reports
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      live.delete(child)
      resolve({ code, signal })
    })
    child.on('error', (err) => {
      live.delete(child)
      keep(String(err))
      resolve({ code: null, signal: null })
    })
  })
  return { child, port, exited, output: () => output.trim() }
}

/** Resolve once the server answers any HTTP request; reject if it exits or the deadline passes. */
export async function waitReady(server, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  let gone = null
  server.exited.then((r) => {
    gone = r
  })
  while (Date.now() < deadline) {
    if (gone) throw new Error(`exited before listening (code ${gone.code}, signal ${gone.signal})`)
    if (await answers(server.port)) return
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error(`did not answer on ${HOST}:${server.port} within ${timeoutMs / 1000}s`)
}

function answers(port) {
  return new Promise((resolve) => {
    const req = http.get({ host: HOST, port, path: '/', agent: false, timeout: 1000 }, (res) => {
      res.resume()
      resolve(true)
    })
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(false))
  })
}

/** VmRSS and VmHWM (peak) of a pid with its children (gunicorn's workers), in KiB; null if unreadable. */
export function memory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = (key) => Number(status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'))?.[1] ?? Number.NaN)
    const own = { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') }
    for (const child of childrenOf(pid)) {
      const theirs = memory(child)
      if (theirs === null) continue
      own.rssKb += theirs.rssKb
      own.hwmKb += theirs.hwmKb
    }
    return own
  } catch {
    return null
  }
}

/** SIGTERM, then SIGKILL after a grace period; always resolves. */
export async function stopServer(server, graceMs = 2000) {
  if (!live.has(server.child)) return
  try {
    process.kill(-server.child.pid, 'SIGTERM')
  } catch {}
  const timer = setTimeout(() => {
    try {
      process.kill(-server.child.pid, 'SIGKILL')
    } catch {}
  }, graceMs)
  await server.exited
  clearTimeout(timer)
}

/**
 * Busy and total jiffies of each CPU from /proc/stat; index = CPU number. Busy counts irq and softirq
 * (a process's stime includes the network softirqs it runs) and steal (time the VM lost to its host).
 */
export function cpuTimes() {
  return readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .filter((l) => /^cpu\d+ /.test(l))
    .map((l) => {
      const [user, nice, system, idle, iowait, irq, softirq, steal] = l.split(/\s+/).slice(1, 9).map(Number)
      const busy = user + nice + system + irq + softirq + steal
      return { busy, total: busy + idle + iowait }
    })
}

/** Kernel clock ticks per second: the unit of /proc jiffies (100 on practically every Linux). */
export const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100

/**
 * utime+stime of a process (all its threads) and of its live descendants (gunicorn's workers),
 * in jiffies; null if unreadable.
 */
export function procJiffies(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ') // rest[0] is field 3 (state)
    let total = Number(rest[11]) + Number(rest[12]) // fields 14, 15
    for (const child of childrenOf(pid)) total += procJiffies(child) ?? 0
    return total
  } catch {
    return null
  }
}

function childrenOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number)
  } catch {
    return []
  }
}

/** Share (0..1) of one CPU's time between samples a and b used by anything but `ownJiffies`. */
export function otherShare(a, b, ownJiffies) {
  if (!a || !b || ownJiffies == null || !(b.total > a.total)) return null
  return Math.max(0, b.busy - a.busy - ownJiffies) / (b.total - a.total)
}
