// Issue 5's serving figures, each interleaved over rounds with medians (wrk -t1 -c64 on CPU 0):
// - workers: `saker serve --workers 2` against `--workers 1` on /json, both workers free to use
//   both cores. wrk needs most of CPU 0 itself, so the ratio says how much a second worker adds
//   on a machine the load generator shares, not what two cores give.
// - middleware: /json with CORS (an Origin header on every request), compression and an
//   in-memory rate limit, against plain /json; one worker pinned to CPU 1.
//
//   npm run build && node bench/serving.mjs [--rounds 5] [--seconds 5] [--only workers|middleware]
import { parseArgs } from 'node:util'
import { median, round } from './lib/report.mjs'
import {
  CLK_TCK,
  freePort,
  killAll,
  procJiffies,
  startServer,
  stopServer,
  waitReady,
} from './lib/servers.mjs'
import { killWrk, wrk } from './lib/wrk.mjs'

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '5' },
    only: { type: 'string' },
  },
})
const ROUNDS = Number(values.rounds)
const SECONDS = Number(values.seconds)
const ORIGIN = 'origin: https://app.example.com'

const FIGURES = {
  workers: [
    { id: 'workers-1', workers: 1, cores: '0,1', middleware: false, headers: [] },
    { id: 'workers-2', workers: 2, cores: '0,1', middleware: false, headers: [] },
  ],
  middleware: [
    { id: 'plain', workers: 0, cores: '1', middleware: false, headers: [ORIGIN] },
    { id: 'middleware', workers: 0, cores: '1', middleware: true, headers: [ORIGIN] },
  ],
}
const CONFIGS = values.only === undefined ? Object.values(FIGURES).flat() : FIGURES[values.only]
if (CONFIGS === undefined) throw new Error(`--only is one of ${Object.keys(FIGURES).join(', ')}`)

process.on('exit', () => {
  killWrk()
  killAll()
})
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130))

async function once(config) {
  const port = await freePort()
  process.env.MIDDLEWARE = config.middleware ? '1' : '0'
  const workers = config.workers === 0 ? [] : ['--workers', String(config.workers)]
  // startServer pins to CPU 1; the inner taskset widens that where both cores are allowed.
  const server = startServer({
    command: [
      'taskset',
      '-c',
      config.cores,
      process.execPath,
      'bin/saker.js',
      'serve',
      'bench/apps/saker-serving.mjs',
      '--port',
      String(port),
      ...workers,
    ],
    port,
  })
  try {
    await waitReady(server, 15_000)
    await wrk(`http://127.0.0.1:${port}/json`, 1, config.headers) // warm-up
    const before = procJiffies(server.child.pid)
    const result = await wrk(`http://127.0.0.1:${port}/json`, SECONDS, config.headers)
    const cpuSeconds = (procJiffies(server.child.pid) - before) / CLK_TCK
    return { ...result, perCpuSecond: result.requests / cpuSeconds }
  } finally {
    await stopServer(server)
  }
}

const results = Object.fromEntries(CONFIGS.map((c) => [c.id, []]))
for (let r = 1; r <= ROUNDS; r++) {
  for (const config of CONFIGS) {
    const result = await once(config)
    if (result.non2xx > 0) throw new Error(`${config.id}: ${result.non2xx} non-2xx replies`)
    results[config.id].push(result)
    process.stderr.write(
      `round ${r} ${config.id}: ${Math.round(result.rps)} req/s, ${Math.round(result.perCpuSecond)} req/CPU-s\n`,
    )
  }
}
const rps = (id) => results[id].map((r) => r.rps)
const spread = (id) => round((Math.max(...rps(id)) - Math.min(...rps(id))) / median(rps(id)), 3)
/** The median of the round-by-round ratios: each pair ran back to back, so it shares the machine's mood. */
const pairedRatio = (id, base, key) => median(results[id].map((r, i) => r[key] / results[base][i][key]))
const row = (label, id, base) => {
  const ratio = base === undefined ? '' : `${round(pairedRatio(id, base, 'rps'), 3)}×`
  const perCpu = base === undefined ? '' : `${round(pairedRatio(id, base, 'perCpuSecond'), 3)}×`
  const cpuMedian = Math.round(median(results[id].map((r) => r.perCpuSecond)))
  console.log(
    `| ${label} | ${Math.round(median(rps(id)))} | ${spread(id)} | ${ratio} | ${cpuMedian} | ${perCpu} |`,
  )
}
console.log('| figure | req/s (median) | spread | ratio (paired median) | req/CPU-s | ratio |')
console.log('| --- | ---: | ---: | ---: | ---: | ---: |')
if ('workers-1' in results) {
  row('/json, 1 worker', 'workers-1')
  row('/json, 2 workers', 'workers-2', 'workers-1')
}
if ('plain' in results) {
  row('/json, plain (1 process)', 'plain')
  row('/json + CORS, compression, rate limit', 'middleware', 'plain')
}
