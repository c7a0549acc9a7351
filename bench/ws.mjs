// WebSocket echo: saker's app.ws against the ws package used directly, on this machine.
// M connections each send N text messages one after another (send, wait for the echo, send the
// next); prints messages per second, round-trip latency percentiles and saker's ratio to ws,
// interleaved over rounds (medians). Servers run on CPU 1; pin the client to CPU 0 with taskset.
//
//   taskset -c 0 node bench/ws.mjs [--rounds 5] [--connections 50] [--messages 1000] [--size 64]
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { parseArgs } from 'node:util'
import WebSocket from 'ws'

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
  const child = spawn(
    'taskset',
    [
      '-c',
      '1',
      process.execPath,
      '--import',
      'tsx',
      '--conditions=saker-source',
      'bench/ws-server.mjs',
      kind,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
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
    await Promise.all(Array.from({ length: 5 }, () => converse(port))) // warm-up
    const began = performance.now()
    const all = await Promise.all(Array.from({ length: connections }, () => converse(port)))
    const seconds = (performance.now() - began) / 1000
    const latencies = Float64Array.from(all.flatMap((list) => [...list])).sort()
    const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]
    return { kind, rate: latencies.length / seconds, p50: at(0.5), p99: at(0.99) }
  } finally {
    child.kill()
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1]
console.log(
  `${connections} connections × ${messages} round trips of ${payload.length} bytes, ${values.rounds} rounds`,
)
const rounds = { ws: [], saker: [] }
for (let r = 0; r < Number(values.rounds); r++) {
  for (const kind of ['ws', 'saker']) rounds[kind].push(await measure(kind))
}
for (const kind of ['ws', 'saker']) {
  const list = rounds[kind]
  const rates = list.map((x) => x.rate)
  console.log(
    `${kind.padEnd(6)} ${Math.round(median(rates)).toString().padStart(8)} msg/s (${Math.round(Math.min(...rates))}–${Math.round(Math.max(...rates))})   p50 ${median(list.map((x) => x.p50)).toFixed(2)} ms   p99 ${median(list.map((x) => x.p99)).toFixed(2)} ms`,
  )
}
const ratios = rounds.saker.map((x, i) => x.rate / rounds.ws[i].rate)
console.log(
  `saker / ws: ${median(ratios).toFixed(2)} (rounds: ${ratios.map((x) => x.toFixed(2)).join(', ')})`,
)
