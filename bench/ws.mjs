// WebSocket echo: saker's app.ws against the ws package used directly, on this machine.
// M connections each send N text messages one after another (send, wait for the echo, send the
// next); prints messages per second, round-trip latency percentiles and saker's ratio to ws,
// interleaved over rounds (medians). Servers run on CPU 1; pin the client to CPU 0 with taskset.
//
//   npm run build && taskset -c 0 node bench/ws.mjs [--rounds 5] [--connections 50] [--messages 1000] [--size 64]
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { parseArgs } from 'node:util'
import WebSocket from 'ws'
import { CLK_TCK, procJiffies } from './lib/servers.mjs'

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    messages: { type: 'string', default: '1000' },
    size: { type: 'string', default: '64' },
  },
})
const connections = Number(values.connections)
const messages = Number(values.messages)
const payload = 'x'.repeat(Number(values.size))

async function startServer(kind) {
  const child = spawn('taskset', ['-c', '1', process.execPath, 'bench/ws-server.mjs', kind], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const [line] = await once(child.stdout.setEncoding('utf8'), 'data')
  return { child, port: Number(line.trim()) }
}

/** One connection's round trips; resolves with their latencies in ms. */
async function converse(port) {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/echo`, { perMessageDeflate: false })
  await once(socket, 'open')
  const latencies = new Float64Array(messages)
  let sent = 0
  let started = 0
  await new Promise((resolve) => {
    socket.on('message', () => {
      latencies[sent - 1] = performance.now() - started
      if (sent === messages) return resolve()
      sent++
      started = performance.now()
      socket.send(payload)
    })
    sent = 1
    started = performance.now()
    socket.send(payload)
  })
  socket.close()
  return latencies
}

async function measure(kind) {
  const { child, port } = await startServer(kind)
  try {
    // warm-up: as many round trips as the run, so both servers are optimized before it
    await Promise.all(Array.from({ length: connections }, () => converse(port)))
    const began = performance.now()
    const cpuBefore = procJiffies(child.pid)
    const all = await Promise.all(Array.from({ length: connections }, () => converse(port)))
    const seconds = (performance.now() - began) / 1000
    const cpuSeconds = (procJiffies(child.pid) - cpuBefore) / CLK_TCK
    const latencies = Float64Array.from(all.flatMap((list) => [...list])).sort()
    const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]
    const count = latencies.length
    return { kind, rate: count / seconds, perCpuSecond: count / cpuSeconds, p50: at(0.5), p99: at(0.99) }
  } finally {
    child.kill()
  }
}

/**
 * Both servers at once on CPU 1, each with its own `connections`: whatever the machine does to
 * the core (other tenants, frequency) it does to both alike, so their messages per CPU-second
 * compare more steadily than runs one after the other.
 */
async function measureTogether() {
  const servers = [await startServer('ws'), await startServer('saker')]
  try {
    const run = (server) => Promise.all(Array.from({ length: connections }, () => converse(server.port)))
    await Promise.all(servers.map(run)) // warm-up
    const before = servers.map((server) => procJiffies(server.child.pid))
    const all = await Promise.all(servers.map(run))
    return servers.map((server, i) => {
      const count = all[i].reduce((sum, list) => sum + list.length, 0)
      return (count * CLK_TCK) / (procJiffies(server.child.pid) - before[i])
    })
  } finally {
    for (const server of servers) server.child.kill()
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1]
console.log(
  `${connections} connections × ${messages} round trips of ${payload.length} bytes, ${values.rounds} rounds`,
)
const rounds = { ws: [], saker: [] }
const together = []
for (let r = 0; r < Number(values.rounds); r++) {
  for (const kind of ['ws', 'saker']) rounds[kind].push(await measure(kind))
  const [ws, saker] = await measureTogether()
  together.push(saker / ws)
}
for (const kind of ['ws', 'saker']) {
  const list = rounds[kind]
  const rates = list.map((x) => x.rate)
  console.log(
    `${kind.padEnd(6)} ${Math.round(median(rates)).toString().padStart(8)} msg/s (${Math.round(Math.min(...rates))}–${Math.round(Math.max(...rates))})   ${Math.round(median(list.map((x) => x.perCpuSecond)))} msg/CPU-s   p50 ${median(list.map((x) => x.p50)).toFixed(2)} ms   p99 ${median(list.map((x) => x.p99)).toFixed(2)} ms`,
  )
}
const show = (label, ratios) =>
  console.log(
    `saker / ws, ${label}: ${median(ratios).toFixed(2)} (rounds: ${ratios.map((x) => x.toFixed(2)).join(', ')})`,
  )
show(
  'msg/s, one after the other',
  rounds.saker.map((x, i) => x.rate / rounds.ws[i].rate),
)
show(
  'msg per server CPU-s, one after the other',
  rounds.saker.map((x, i) => x.perCpuSecond / rounds.ws[i].perCpuSecond),
)
show('msg per server CPU-s, both at once', together)
