// Issue 5's serving figures, each interleaved over rounds with medians (wrk -t1 -c64 on CPU 0):
// - workers: `saker serve --workers 2` against `--workers 1` on /json, both workers free to use
//   both cores. wrk needs most of CPU 0 itself, so the ratio says how much a second worker adds
//   on a machine the load generator shares, not what two cores give.
// - middleware: /json with CORS (an Origin header on every request), compression and an
//   in-memory rate limit, against plain /json; one worker pinned to CPU 1.
//
//   npm run build && node bench/serving.mjs [--rounds 5] [--seconds 5]
import { parseArgs } from 'node:util'
import { median, round } from './lib/report.mjs'
import { freePort, killAll, startServer, stopServer, waitReady } from './lib/servers.mjs'
import { killWrk, wrk } from './lib/wrk.mjs'

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '5' }, seconds: { type: 'string', default: '5' } },
})
const ROUNDS = Number(values.rounds)
const SECONDS = Number(values.seconds)
const ORIGIN = 'origin: https://app.example.com'

const CONFIGS = [
  { id: 'workers-1', workers: 1, cores: '0,1', middleware: false, headers: [] },
  { id: 'workers-2', workers: 2, cores: '0,1', middleware: false, headers: [] },
  { id: 'plain', workers: 0, cores: '1', middleware: false, headers: [ORIGIN] },
  { id: 'middleware', workers: 0, cores: '1', middleware: true, headers: [ORIGIN] },
]

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
    return await wrk(`http://127.0.0.1:${port}/json`, SECONDS, config.headers)
  } finally {
    await stopServer(server)
  }
}

const results = Object.fromEntries(CONFIGS.map((c) => [c.id, []]))
for (let r = 1; r <= ROUNDS; r++) {
  for (const config of CONFIGS) {
    const result = await once(config)
    if (result.non2xx > 0) throw new Error(`${config.id}: ${result.non2xx} non-2xx replies`)
    results[config.id].push(result.rps)
    process.stderr.write(`round ${r} ${config.id}: ${Math.round(result.rps)} req/s\n`)
  }
}
const med = Object.fromEntries(CONFIGS.map((c) => [c.id, median(results[c.id])]))
const spread = (id) => round((Math.max(...results[id]) - Math.min(...results[id])) / med[id], 3)
console.log('| figure | req/s (median) | spread | ratio |')
console.log('| --- | ---: | ---: | ---: |')
console.log(`| /json, 1 worker | ${Math.round(med['workers-1'])} | ${spread('workers-1')} | |`)
console.log(
  `| /json, 2 workers | ${Math.round(med['workers-2'])} | ${spread('workers-2')} | ${round(med['workers-2'] / med['workers-1'], 2)}× |`,
)
console.log(`| /json, plain (1 process) | ${Math.round(med.plain)} | ${spread('plain')} | |`)
console.log(
  `| /json + CORS, compression, rate limit | ${Math.round(med.middleware)} | ${spread('middleware')} | ${round(med.middleware / med.plain, 3)}× (overhead ${round((1 - med.middleware / med.plain) * 100, 1)}%) |`,
)
