// Two servers, one comparison: both started once (pinned to CPU 1, PostgreSQL and wrk on CPU 0),
// then loaded in turns, endpoint by endpoint, for N rounds; prints each one's median req/s and
// req per server CPU-second and the median of the per-round ratios (a pair shares the machine's
// state of that moment, so its ratio is steadier than the ratio of two medians).
// Unlike run.mjs, each server keeps running across rounds: this also shows what degrades with time.
// Usage: node bench/pair.mjs [--rounds 5] [--seconds 4] [--a saker] [--b fastify] <path>...
//   peers: saker (from bench/.build: run `npm run bench -- --quick --only saker` once, or
//   `npm run build && npx tsc -p bench/tsconfig.techempower.json`), fastify, fastify-pg, node.
import { parseArgs } from 'node:util'
import { pinPostgres } from './lib/postgres.mjs'
import { median } from './lib/report.mjs'
import {
  CLK_TCK,
  freePort,
  killAll,
  procJiffies,
  startServer,
  stopServer,
  waitReady,
} from './lib/servers.mjs'
import { wrk } from './lib/wrk.mjs'

const APPS = {
  saker: ['bench/apps/saker.mjs'],
  fastify: ['bench/apps/fastify.mjs'],
  'fastify-pg': ['bench/apps/fastify.mjs', 'pg'],
  node: ['bench/apps/raw-node.mjs'],
}

const { values, positionals: paths } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '4' },
    a: { type: 'string', default: 'saker' },
    b: { type: 'string', default: 'fastify' },
  },
})
const peers = [values.a, values.b]
for (const id of peers) if (!(id in APPS)) throw new Error(`unknown peer ${id} (known: ${Object.keys(APPS)})`)
if (paths.length === 0) throw new Error('name at least one path, e.g. /db')
const [rounds, seconds] = [Number(values.rounds), Number(values.seconds)]

pinPostgres()
process.on('exit', killAll)
const servers = {}
for (const id of peers) {
  const port = await freePort()
  const server = startServer({ args: APPS[id], cwd: process.cwd(), port })
  await waitReady(server, 15_000)
  servers[id] = { server, url: `http://127.0.0.1:${port}` }
}
for (const path of paths) for (const id of peers) await wrk(servers[id].url + path, 2) // warm-up

const runs = Object.fromEntries(paths.map((path) => [path, { [peers[0]]: [], [peers[1]]: [] }]))
for (let round = 0; round < rounds; round++) {
  for (const path of paths) {
    // Alternate who goes first, so neither always runs on the warmer machine.
    for (const id of round % 2 === 0 ? peers : [...peers].reverse()) {
      const pid = servers[id].server.child.pid
      const before = procJiffies(pid)
      const result = await wrk(servers[id].url + path, seconds)
      const cpuS = (procJiffies(pid) - before) / CLK_TCK
      runs[path][id].push({ rps: result.rps, perCpuS: result.requests / cpuS })
    }
  }
}

const whole = (n) => Math.round(n).toLocaleString('en-US')
for (const path of paths) {
  const [a, b] = peers.map((id) => runs[path][id])
  const ratios = a.map((run, i) => run.perCpuS / b[i].perCpuS)
  const figures = peers.map(
    (id) =>
      `${id} ${whole(median(runs[path][id].map((r) => r.perCpuS)))} req/CPU-s, ` +
      `${whole(median(runs[path][id].map((r) => r.rps)))} req/s`,
  )
  console.log(
    `${path}: ${figures.join(' | ')} | ${peers[0]} ÷ ${peers[1]} per CPU-s: median ${median(ratios).toFixed(2)}× ` +
      `(rounds: ${ratios.map((r) => r.toFixed(2)).join(' ')})`,
  )
}
for (const id of peers) await stopServer(servers[id].server)
