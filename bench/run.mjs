// Benchmark harness: saker vs node:http, Fastify, Express and Hono, interleaved in rounds.
// Protocol (see bench/README.md): servers pinned to CPU 1, wrk pinned to CPU 0, 127.0.0.1 only,
// a fresh server process per (framework, round), 3 s warm-up per endpoint, medians across rounds.
// Usage: node bench/run.mjs [--quick] [--rounds N] [--duration S] [--only saker,node]
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { validate } from './lib/check.mjs'
import { markdown, round, summarize } from './lib/report.mjs'
import { freePort, killAll, memory, startServer, stopServer, waitReady } from './lib/servers.mjs'
import { killWrk, wrk, wrkVersion } from './lib/wrk.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const WARMUP_S = 3
const READY_TIMEOUT_MS = 20_000 // tsx transpiles saker on start-up, so allow some seconds

const PLAINTEXT = { path: '/plaintext', type: 'text/plain', body: 'Hello, World!' }
const JSON_EP = { path: '/json', type: 'application/json', body: '{"message":"Hello, World!"}' }
const MW = { path: '/mw?name=bench', type: 'application/json', body: '{"message":"Hello, bench!"}' }
// The /mw query must really be validated, or the /mw figure would flatter saker.
const MW_INVALID = { path: `/mw?name=${'x'.repeat(21)}`, rejects: true }

// Display order. `checks` run once per server start; `endpoints` are loaded with wrk.
const PEERS = [
  { id: 'node', label: 'node:http', args: ['bench/apps/raw-node.mjs'] },
  {
    id: 'saker',
    label: 'saker',
    args: ['--import', 'tsx', '--conditions=saker-source', 'bench/apps/saker.ts'],
    endpoints: [PLAINTEXT, JSON_EP, MW],
    checks: [MW_INVALID],
  },
  { id: 'fastify', label: 'fastify', args: ['bench/apps/fastify.mjs'] },
  { id: 'express', label: 'express', args: ['bench/apps/express.mjs'] },
  { id: 'hono', label: 'hono', args: ['bench/apps/hono.mjs'] },
].map((p) => ({ endpoints: [PLAINTEXT, JSON_EP], checks: [], ...p }))

const log = (msg) => process.stderr.write(`${msg}\n`)

function options() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      only: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help) {
    log(
      'usage: node bench/run.mjs [--quick] [--rounds N] [--duration S] [--only node,saker,fastify,express,hono]',
    )
    process.exit(0)
  }
  const rounds = Number(values.rounds ?? (values.quick ? 3 : 5))
  const duration = Number(values.duration ?? (values.quick ? 3 : 10))
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer`)
  if (!Number.isInteger(duration) || duration < 1) throw new Error(`--duration must be a positive integer`)
  let peers = PEERS
  if (values.only) {
    const wanted = values.only.split(',').map((s) => s.trim().replace(/^node:http$|^raw-node$/, 'node'))
    const unknown = wanted.filter((w) => !PEERS.some((p) => p.id === w))
    if (unknown.length)
      throw new Error(`--only: unknown ${unknown.join(', ')} (known: ${PEERS.map((p) => p.id)})`)
    peers = PEERS.filter((p) => wanted.includes(p.id))
  }
  return { quick: values.quick, rounds, duration, peers }
}

function preflight() {
  for (const [cmd, args, hint] of [
    ['wrk', ['-v'], 'apt-get update && apt-get install -y wrk'],
    ['taskset', ['-V'], 'apt-get install -y util-linux'],
  ]) {
    if (spawnSync(cmd, args).error) throw new Error(`${cmd} not found (install: ${hint})`)
  }
  if (os.availableParallelism() < 2) throw new Error('needs 2 CPUs: servers run on CPU 1, wrk on CPU 0')
  const load = os.loadavg()[0]
  if (load > 0.5) log(`warning: 1-min load average is ${load.toFixed(2)}; figures may be noisy`)
}

function versions() {
  const pkg = (name) => {
    try {
      return JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version
    } catch {
      return null
    }
  }
  const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' })
  return {
    saker: JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version,
    sakerCommit: git.status === 0 ? git.stdout.trim() : null,
    fastify: pkg('fastify'),
    express: pkg('express'),
    hono: pkg('hono'),
    '@hono/node-server': pkg('@hono/node-server'),
  }
}

/** One (framework, round): fresh server, validate, then warm-up + measured wrk per endpoint. */
async function runPeer(peer, roundNo, position, opts, state) {
  const port = await freePort()
  const server = startServer({ args: peer.args, cwd: ROOT, port })
  try {
    await waitReady(server, READY_TIMEOUT_MS)
    for (const ep of [...peer.endpoints, ...peer.checks]) await validate(port, ep)
    for (const ep of peer.endpoints) {
      const url = `http://127.0.0.1:${port}${ep.path}`
      await wrk(url, WARMUP_S) // not recorded: JIT, caches and connection setup
      const r = await wrk(url, opts.duration)
      const mem = memory(server.child.pid) // VmRSS right after load
      state.rounds[ep.path].push({ round: roundNo, position, ...r, rssKb: mem?.rssKb, hwmKb: mem?.hwmKb })
      const errs = r.non2xx + Object.values(r.socket_errors).reduce((a, b) => a + b, 0)
      log(
        `  ${peer.label.padEnd(9)} ${ep.path.padEnd(15)} ${Math.round(r.rps).toLocaleString('en-US').padStart(8)} req/s` +
          `  p99 ${(r.p99_us / 1000).toFixed(2)} ms  rss ${((mem?.rssKb ?? 0) / 1024).toFixed(0)} MB` +
          (errs ? `  ⚠ ${r.non2xx} non-2xx, socket errors ${JSON.stringify(r.socket_errors)}` : ''),
      )
    }
  } catch (err) {
    // A broken peer is reported and dropped from later rounds; the others go on.
    const tail = server.output()
    const cause = tail.split('\n').find((l) => /error/i.test(l)) // e.g. the ERR_MODULE_NOT_FOUND line
    state.error = `round ${roundNo}: ${err.message}${cause ? ` — ${cause.trim()}` : ''}`
    state.output = tail
    log(`✗ ${peer.label} FAILED (round ${roundNo}): ${err.message}`)
    if (tail) log(tail.replace(/^/gm, '  | '))
  } finally {
    await stopServer(server)
  }
}

async function main() {
  const opts = options()
  preflight()
  const started = new Date()
  const { peers } = opts

  // Hard upper bound on the whole run, generous against the planned time.
  const perServer = (p) => 5 + p.endpoints.length * (WARMUP_S + opts.duration + 2)
  const planned = opts.rounds * peers.reduce((s, p) => s + perServer(p), 0)
  setTimeout(
    () => {
      log(`watchdog: run exceeded ${2 * planned + 120} s, aborting`)
      process.exit(2)
    },
    (2 * planned + 120) * 1000,
  ).unref()
  log(
    `saker bench: ${peers.map((p) => p.label).join(', ')}; ${opts.rounds} rounds × ${opts.duration} s ` +
      `(+${WARMUP_S} s warm-up) per endpoint, ~${Math.ceil(planned / 60)} min`,
  )

  const state = Object.fromEntries(
    peers.map((p) => [
      p.id,
      { error: null, output: null, rounds: Object.fromEntries(p.endpoints.map((e) => [e.path, []])) },
    ]),
  )
  for (let r = 0; r < opts.rounds; r++) {
    const shift = r % peers.length // rotate who goes first, so no peer always runs on a cold/hot machine
    const order = [...peers.slice(shift), ...peers.slice(0, shift)]
    log(`round ${r + 1}/${opts.rounds}: ${order.map((p) => p.label).join(' → ')}`)
    for (const [i, peer] of order.entries()) {
      if (!state[peer.id].error) await runPeer(peer, r + 1, i, opts, state[peer.id])
    }
  }

  // Aggregate: medians across rounds, ratios against node:http's median on the same endpoint.
  const frameworks = {}
  for (const p of peers) {
    const s = state[p.id]
    const endpoints = {}
    if (!s.error) for (const [path, rounds] of Object.entries(s.rounds)) endpoints[path] = summarize(rounds)
    frameworks[p.id] = { label: p.label, status: s.error ? 'failed' : 'ok', error: s.error, endpoints }
    const rss = Object.values(endpoints).map((c) => c.peakRssMb)
    if (rss.length) frameworks[p.id].peakRssMb = Math.max(...rss) // VmRSS after load, max over rounds
    if (s.output) frameworks[p.id].output = s.output // server's stdout/stderr tail, for diagnosis
  }
  const node = frameworks.node?.status === 'ok' ? frameworks.node.endpoints : null
  for (const fw of Object.values(frameworks)) {
    for (const [path, cell] of Object.entries(fw.endpoints)) {
      const base = node?.[path.startsWith('/mw') ? '/json' : path]
      cell.ratioToNode = base ? round(cell.medianRps / base.medianRps, 3) : null
    }
  }
  const sk = frameworks.saker?.status === 'ok' ? frameworks.saker.endpoints : null
  const mwOverJson = sk ? round(sk[MW.path].medianRps / sk['/json'].medianRps, 3) : null

  const results = {
    date: started.toISOString(),
    quick: opts.quick,
    protocol: {
      rounds: opts.rounds,
      durationS: opts.duration,
      warmupS: WARMUP_S,
      wrk: '-t1 -c64 --timeout 5s --latency -s bench/report.lua',
      wrkCpu: 0,
      serverCpu: 1,
      host: '127.0.0.1',
      nodeEnv: 'production',
    },
    env: {
      node: process.version,
      wrk: await wrkVersion(),
      os: `${os.type()} ${os.release()}`,
      cpu: os.cpus()[0]?.model ?? null,
      cpus: os.availableParallelism(),
      loadavgAtStart: os.loadavg(),
    },
    versions: versions(),
    frameworks,
    sakerMwOverJson: mwOverJson,
  }
  const dir = join(ROOT, 'bench', 'results')
  mkdirSync(dir, { recursive: true })
  const stamp = started.toISOString().slice(0, 19).replaceAll(':', '-') // no ':' in file names
  const file = join(dir, `${stamp}Z.json`)
  writeFileSync(`${file}.tmp`, `${JSON.stringify(results, null, 2)}\n`)
  renameSync(`${file}.tmp`, file) // never leave a half-written results file

  const out = [
    '',
    `## saker bench — ${results.date}${opts.quick ? ' (quick)' : ''}`,
    '',
    `node ${process.version}, ${opts.rounds} rounds × ${opts.duration} s, wrk -t1 -c64, ` +
      'server on CPU 1, wrk on CPU 0. Cells are medians across rounds; spread = (max−min)/median of req/s.',
    '',
    markdown(
      frameworks,
      peers.map((p) => p.id),
    ),
    '',
  ]
  if (sk) out.push('saker /mw (vs node:http) is compared with node:http /json.')
  if (mwOverJson != null) {
    const cost = (1 / mwOverJson - 1) * 100
    out.push(
      `saker /mw ÷ saker /json = ${mwOverJson.toFixed(3)} (3 middleware + query validation cost ` +
        `${cost.toFixed(1)}%; goal ≤ 10%: ${cost <= 10 ? 'met' : 'NOT met'})`,
    )
  }
  for (const fw of Object.values(frameworks)) {
    for (const [path, c] of Object.entries(fw.endpoints)) {
      if (c.non2xx || c.socketErrors)
        out.push(
          `⚠ ${fw.label} ${path}: ${c.non2xx} non-2xx and ${c.socketErrors} socket errors over all rounds`,
        )
    }
    if (fw.error) out.push(`FAILED ${fw.label}: ${fw.error}`)
  }
  out.push('', `results: ${join('bench', 'results', file.split('/').pop())}`)
  process.stdout.write(`${out.join('\n')}\n`)
  return Object.values(frameworks).some((f) => f.status === 'failed') ? 1 : 0
}

// Kill every server and wrk on any exit path, including Ctrl-C and crashes.
const cleanup = () => {
  killWrk()
  killAll()
}
process.on('exit', cleanup)
for (const [sig, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
]) {
  process.on(sig, () => {
    log(`\n${sig}: stopping servers`)
    process.exit(code)
  })
}

main().then(
  (code) => process.exit(code),
  (err) => {
    log(`bench: ${err.stack ?? err}`)
    process.exit(1)
  },
)
